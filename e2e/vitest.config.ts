import { projectVitestConfig } from '../vitest.shared.mjs';

// Whole-system tests start real processes: give them room, and run files one at a time so two
// systems never compete for the two cores. `security/` holds one regression test per reproduced attack.
// The property-based suite in `fuzz/` is its own lane (`npm run test:fuzz`, vitest.fuzz.config.ts):
// it alone takes over a minute, and `npm test` has to stay within its time budget; so is `chaos/`
// (faults under load, and the rolling restart of two instances of everything).
const config = projectVitestConfig({
  testTimeout: 90_000,
  // Starting a whole system (setup step, five services) takes 10-20 s on two busy cores.
  hookTimeout: 120_000,
  include: ['test/**/*.test.ts', 'security/**/*.test.ts'],
  globalSetup: './global-setup.ts',
});
export default { ...config, test: { ...config.test, fileParallelism: false } };
