import { projectVitestConfig } from '../vitest.shared.mjs';

// Whole-system tests start real processes: give them room, and run files one at a time so two
// systems never compete for the two cores. `security/` holds one regression test per reproduced attack;
// `fuzz/` the property-based suite (IDP_FUZZ_RUNS sets its size).
const config = projectVitestConfig({
  testTimeout: 90_000,
  // Starting a whole system (setup step, five services) takes 10-20 s on two busy cores.
  hookTimeout: 120_000,
  include: ['test/**/*.test.ts', 'security/**/*.test.ts', 'fuzz/**/*.test.ts'],
});
export default { ...config, test: { ...config.test, fileParallelism: false } };
