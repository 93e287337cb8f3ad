import { projectVitestConfig } from '../vitest.shared.mjs';

// The containers lane (`npm run test:containers`, tools/containers): these tests talk to the system that
// `npm run containers:up` runs from the images (its state file names the URLs), kill and restart its
// containers with podman, and start nothing themselves. One file at a time: they share that system.
const config = projectVitestConfig({
  testTimeout: 120_000,
  hookTimeout: 60_000,
  include: ['containers/**/*.test.ts'],
});
export default { ...config, test: { ...config.test, fileParallelism: false } };
