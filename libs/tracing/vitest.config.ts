import { projectVitestConfig } from '../../vitest.shared.mjs';

export default projectVitestConfig();
