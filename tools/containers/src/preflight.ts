// What this machine needs to build and run the containers, and what to do when something is missing.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { run } from './podman.js';

/** Debian packages and the command each provides. */
const TOOLS = [
  { command: 'podman', pkg: 'podman' },
  { command: 'runc', pkg: 'runc' },
  { command: 'debootstrap', pkg: 'debootstrap' },
] as const;

const onPath = (command: string) =>
  [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin']
    .filter(Boolean)
    .some((dir) => existsSync(join(dir, command)));

export const isRoot = () => process.getuid?.() === 0;

export function missingPackages(): string[] {
  return TOOLS.filter((tool) => !onPath(tool.command)).map((tool) => tool.pkg);
}

const installHint = (packages: string[]) =>
  `apt-get install -y ${packages.join(' ')}   (Debian/Ubuntu, as root)`;

/**
 * Throws a message that says exactly what is missing and how to get it. With `install`, missing
 * packages are installed with apt-get first (root only: CI's lane does this on a fresh machine).
 */
export async function preflight(options: { install?: boolean } = {}): Promise<void> {
  if (!isRoot())
    throw new Error(
      'containers need root here: the images are made with debootstrap and run with rootful podman ' +
        '(host networking, runc). Run as root, e.g. sudo npm run images.',
    );
  let missing = missingPackages();
  if (missing.length > 0 && options.install) {
    process.stdout.write(`installing ${missing.join(', ')} with apt-get\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update', '-q'], { env, timeoutMs: 300_000, echo: true });
    await run('apt-get', ['install', '-y', '-q', ...missing], { env, timeoutMs: 600_000, echo: true });
    missing = missingPackages();
  }
  if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}. Install: ${installHint(missing)}`);
}
