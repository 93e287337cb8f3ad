import { projectVitestConfig } from '../../vitest.shared.mjs';

// `npm run cluster` from a newcomer's terminal; run by `npm run test:chaos` (tools/dev/test.mjs).
export default projectVitestConfig({
  testTimeout: 150_000,
  hookTimeout: 30_000,
  include: ['test/cluster/**/*.test.ts'],
});
