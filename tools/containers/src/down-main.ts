// npm run containers:down: removes every container, secret and volume of containers:up and of the
// kube-play check, whether or not they run.
import { isRoot } from './preflight.js';
import { down } from './system.js';

try {
  if (!isRoot()) throw new Error('needs root, as containers:up did');
  const removed = await down();
  process.stdout.write(removed.length > 0 ? `removed ${removed.join(', ')}\n` : 'nothing to remove\n');
} catch (error) {
  process.stderr.write(`npm run containers:down: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
