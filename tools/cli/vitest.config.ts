import { projectVitestConfig } from '../../vitest.shared.mjs';

// Unit tests of the CLI's pure parts (argument parsing, stage tracking, output); the CLI against a
// running system is tested in e2e/test/cli.
export default projectVitestConfig();
