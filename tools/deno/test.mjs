// `npm run test:deno`: the Deno lane. First the permissions table's own tests, then the end-to-end
// tests of e2e/vitest.deno.config.ts with every service and the setup step under Deno
// (IDP_TEST_RUNTIME=deno; e2e/global-setup.ts rebuilds stale build output first, which Deno runs).
// Stops at the first failing step and exits with its status.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { denoBinary } from './permissions.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vitest = join(root, 'node_modules', '.bin', 'vitest');
const env = { ...process.env, IDP_TEST_RUNTIME: 'deno', NX_DAEMON: 'false', NX_TUI: 'false' };

function run(label, args, cwd) {
  process.stdout.write(`\n\x1b[1m== ${label}\x1b[0m\n`);
  const started = Date.now();
  const result = spawnSync(vitest, args, { cwd, env, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status === 0) return void process.stdout.write(`${label}: ok (${seconds} s)\n`);
  process.stdout.write(`\x1b[31m${label} failed after ${seconds} s\x1b[0m\n`);
  process.exit(result.status ?? 1);
}

try {
  const version = spawnSync(denoBinary(root), ['--version'], { encoding: 'utf8' });
  process.stdout.write(`Deno lane: ${version.stdout.split('\n')[0]}\n`);
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
run('Deno permissions', ['run'], join(root, 'tools', 'deno'));
run(
  'end-to-end tests, every service under Deno',
  ['run', '--config', 'vitest.deno.config.ts'],
  join(root, 'e2e'),
);
