import { projectVitestConfig } from '../../vitest.shared.mjs';

// Unit tests of the console's pure browser modules (no DOM needed); the console itself runs in real
// Chromium against a whole system in e2e/test/console.
export default projectVitestConfig({ include: ['test/**/*.test.js'] });
