import { projectVitestConfig } from '../../vitest.shared.mjs';

// The Deno lane's own unit tests (the permissions table); tools/deno/test.mjs runs them before the
// end-to-end suite under Deno.
export default projectVitestConfig({ include: ['test/**/*.test.ts'] });
