import { projectVitestConfig } from '../vitest.shared.mjs';

// The fuzz lane (`npm run test:fuzz`, also run by .ci/run): the property-based suite against a whole
// system. IDP_FUZZ_RUNS sets its size, IDP_FUZZ_SEED replays a failure (fuzz/settings.ts).
const config = projectVitestConfig({
  testTimeout: 90_000,
  hookTimeout: 120_000,
  globalSetup: './global-setup.ts',
  include: ['fuzz/**/*.test.ts'],
});
export default { ...config, test: { ...config.test, fileParallelism: false } };
