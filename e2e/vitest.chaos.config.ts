import { projectVitestConfig } from '../vitest.shared.mjs';

// The chaos lane (`npm run test:chaos`, also run by .ci/run): faults under load on a 3-node NATS
// cluster with two instances of every service (chaos/). One system for the file, scenarios in
// sequence; each prints its error rate and recovery time. Also the rolling restart of every service
// under load (rolling-restart.test.ts), kept out of `npm test` for time.
const config = projectVitestConfig({
  testTimeout: 240_000,
  // A cluster and ten service processes take a while to start on two busy cores.
  hookTimeout: 240_000,
  globalSetup: './global-setup.ts',
  include: ['chaos/**/*.test.ts'],
});
export default { ...config, test: { ...config.test, fileParallelism: false } };
