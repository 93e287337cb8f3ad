// Every e2e lane runs the services' build output (test/system.ts, `code: 'built'`). Before the tests
// start, this rebuilds it when any source is newer than its output, so `npx vitest` here works on a
// fresh checkout or right after an edit, without a manual build. Node's own modules only: the
// workspace libraries' build output is what may be stale.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;

export default function setup(): void {
  const stale = staleBuilds();
  if (stale.length === 0) return;
  process.stdout.write(`built code is older than its source (${stale.join(', ')}): npm run build\n`);
  execFileSync('npm', ['run', 'build', '--silent'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  });
}

/** Packages (libraries, services, the setup step) whose newest source is newer than their output. */
function staleBuilds(): string[] {
  const packages = ['libs', 'services'].flatMap((group) =>
    readdirSync(join(root, group)).map((name) => join(group, name)),
  );
  return [...packages, 'tools/setup'].filter((dir) => {
    const src = join(root, dir, 'src');
    if (!existsSync(src)) return false;
    const dist = join(root, dir, 'dist');
    return !existsSync(dist) || newestChange(src, isSource) > newestChange(dist, () => true);
  });
}

const isSource = (name: string) => name.endsWith('.ts') && !name.endsWith('.test.ts');

function newestChange(dir: string, counts: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestChange(path, counts));
    else if (counts(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}
