import { projectVitestConfig } from '../../vitest.shared.mjs';

// Unit tests of the benchmark's pure helpers (statistics, wrk parsing); the benchmarks themselves are
// never tests.
export default projectVitestConfig();
