import { projectVitestConfig } from '../../vitest.shared.mjs';

// Each test runs the whole system through `npm start`: up to 90 s to come up, then a clean stop.
// `npm run cluster`'s test (ten service processes on a 3-node cluster, a minute on two cores) runs in
// the chaos lane (vitest.cluster.config.ts), to keep `npm test` within its time budget.
export default projectVitestConfig({
  testTimeout: 150_000,
  hookTimeout: 30_000,
  exclude: ['test/cluster/**'],
});
