// The nats-server the chaos lane runs its 3-node cluster on: Debian trixie's 2.10 package, kept in a
// git-ignored cache (`.cache/nats-server/<version>/nats-server`). Debian bookworm's 2.9.10 (what
// `apt-get install nats-server` gives here, and what `npm test` uses) has a clustered de-duplication
// defect: a stream leader that is paused while publishes with a Nats-Msg-Id queue up for it can, once
// it runs again, leave its replica without the retried copies of those messages, so the replicas
// number the same messages differently (nats-server PRs 4365, 6415, 6486). Production runs nats:2.12
// (k8s/nats.yaml); the chaos lane must test our guarantees, not that defect.
// Plain Node.js without dependencies: it runs before anything else of the lane, on a fresh clone.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const DEFAULT_CACHE_DIR = join(root, '.cache', 'nats-server');
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

/** The one package used, pinned by its hash (from trixie's Packages index), so a download is checked. */
export const CLUSTER_NATS_SERVER = {
  version: '2.10.27',
  path: 'pool/main/n/nats-server/nats-server_2.10.27-1+b2_amd64.deb',
  sha256: '6d913ac987b78734c08537c2adeb1526cf735f216173a9170d94b185fcfe6f8a',
};

/**
 * The binary's path, downloading and unpacking the package first when the cache does not hold it.
 * @param {import('./install-nats-server.d.mts').EnsureNatsServerOptions} [options]
 */
export async function ensureClusterNatsServer(options = {}) {
  const { version, path, sha256 } = options.package ?? CLUSTER_NATS_SERVER;
  const dir = join(options.cacheDir ?? DEFAULT_CACHE_DIR, version);
  const binary = join(dir, 'nats-server');
  if (existsSync(binary)) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `the chaos lane's nats-server ${version} is wired for linux-x64 only, not ${process.platform}-${process.arch}`,
    );
  const mirror = options.mirror ?? process.env.IDP_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
  const url = `${mirror}/${path}`;
  options.log?.(`downloading nats-server ${version} (${url})`);
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok)
    throw new Error(`GET ${url} answered ${response.status}: set IDP_DEBIAN_MIRROR to a Debian mirror`);
  const deb = Buffer.from(await response.arrayBuffer());
  const got = createHash('sha256').update(deb).digest('hex');
  if (got !== sha256) throw new Error(`${url} has sha256 ${got}, expected ${sha256}: refusing it`);
  mkdirSync(dirname(dir), { recursive: true });
  // Unpacked into a fresh folder, then renamed into place: an interrupted run never looks like a cache.
  const staging = mkdtempSync(join(dirname(dir), `.staging-${version}-`));
  try {
    writeFileSync(join(staging, 'package.deb'), deb);
    execFileSync('dpkg-deb', ['-x', join(staging, 'package.deb'), join(staging, 'root')]);
    const unpacked = join(staging, 'root', 'usr', 'sbin', 'nats-server');
    const printed = execFileSync(unpacked, ['--version'], { encoding: 'utf8' }).trim();
    if (!printed.includes(`v${version}`))
      throw new Error(`${unpacked} says '${printed}', expected v${version}`);
    mkdirSync(join(staging, 'bin'));
    renameSync(unpacked, join(staging, 'bin', 'nats-server'));
    // Another lane may have finished first; a folder without the binary is a leftover, replaced.
    if (!existsSync(binary)) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(join(staging, 'bin'), dir);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}
