import { projectVitestConfig } from '../../vitest.shared.mjs';

// Each test runs the whole system through `npm start`: up to 90 s to come up, then a clean stop.
export default projectVitestConfig({ testTimeout: 150_000, hookTimeout: 30_000 });
