// npm run images: the local base image (once) and every image of this commit (design.md §13).
import { buildImages } from './images.js';
import { preflight } from './preflight.js';

const started = Date.now();
try {
  await preflight();
  const tag = await buildImages();
  process.stdout.write(`images of ${tag} ready in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
} catch (error) {
  process.stderr.write(`npm run images: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
