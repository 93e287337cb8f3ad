import { projectVitestConfig } from '../vitest.shared.mjs';

// Whole-system tests start real processes: give them room, and run files one at a time so two
// systems never compete for the two cores.
const config = projectVitestConfig({ testTimeout: 90_000 });
export default { ...config, test: { ...config.test, fileParallelism: false } };
