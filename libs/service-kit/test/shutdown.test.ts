// The shutdown sequence in-process (order and bounds), then through a real process: SIGTERM makes the
// probe port answer 503 while it still serves, and the process exits 0 once the stop is done.
import { spawn } from 'node:child_process';
import { createLogger } from '@idp/observability';
import { freePort, waitFor } from '@idp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ShutdownSequence } from '../src/shutdown.js';

const logger = createLogger({ service: 'shutdown-test', level: 'silent' });
const entry = new URL('./fixtures/service.ts', import.meta.url).pathname;

describe('ShutdownSequence', () => {
  it('is not ready before the stop is called, and tells the service it is draining first', async () => {
    const seen: string[] = [];
    const sequence = new ShutdownSequence(
      {
        draining: () => seen.push(`draining (ready: ${!sequence.draining})`),
        stop: async () => {
          seen.push(`stop (ready: ${!sequence.draining})`);
        },
      },
      { delayMs: 50, timeoutMs: 1_000 },
      logger,
    );
    expect(sequence.draining).toBe(false);
    expect(await sequence.run('SIGTERM')).toBe('stopped');
    expect(seen).toEqual(['draining (ready: false)', 'stop (ready: false)']);
  });

  it('waits the drain delay before stopping', async () => {
    let stopCalled = false;
    const sequence = new ShutdownSequence(
      {
        stop: async () => {
          stopCalled = true;
        },
      },
      { delayMs: 300, timeoutMs: 1_000 },
      logger,
    );
    const outcome = sequence.run('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sequence.draining).toBe(true);
    expect(stopCalled).toBe(false);
    expect(await outcome).toBe('stopped');
    expect(stopCalled).toBe(true);
  });

  it('bounds a stop that never ends', async () => {
    const sequence = new ShutdownSequence(
      { stop: () => new Promise<void>(() => {}) },
      { delayMs: 0, timeoutMs: 200 },
      logger,
    );
    expect(await sequence.run('SIGTERM')).toBe('timed_out');
  });

  it('runs once however many signals arrive', async () => {
    let stops = 0;
    const sequence = new ShutdownSequence(
      {
        stop: async () => {
          stops++;
        },
      },
      { delayMs: 20, timeoutMs: 1_000 },
      logger,
    );
    const outcomes = await Promise.all([sequence.run('SIGTERM'), sequence.run('SIGINT')]);
    expect(outcomes).toEqual(['stopped', 'stopped']);
    expect(stops).toBe(1);
  });

  it('reports a failed stop, and a throwing draining hook does not prevent the stop', async () => {
    let stopCalled = false;
    const sequence = new ShutdownSequence(
      {
        draining: () => {
          throw new Error('hook bug');
        },
        stop: async () => {
          stopCalled = true;
          throw new Error('drain failed');
        },
      },
      { delayMs: 0, timeoutMs: 1_000 },
      logger,
    );
    expect(await sequence.run('SIGTERM')).toBe('failed');
    expect(stopCalled).toBe(true);
  });
});

/** The fixture as a child process whose exit code the test reads (the SIGTERM comes from the test). */
function startFixture(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=@idp/source', '--import', 'tsx', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForOutput = (pattern: RegExp) =>
    waitFor(() => pattern.test(output), { timeoutMs: 30_000, message: `fixture: no ${pattern}` });
  return { pid: child.pid!, output: () => output, exited, waitForOutput };
}

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('runService on SIGTERM', () => {
  it('answers 503 on /readyz during the drain delay while /healthz still answers, then exits 0', async () => {
    const port = await freePort();
    const proc = startFixture({
      HEALTH_PORT: String(port),
      IDP_SHUTDOWN_DELAY_MS: '3000',
      IDP_SHUTDOWN_TIMEOUT_MS: '2000',
    });
    await proc.waitForOutput(/"msg":"service ready"/);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    process.kill(proc.pid, 'SIGTERM');
    await proc.waitForOutput(/"msg":"shutting down: not ready"/);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // Not stopped yet: the delay is for the balancer to notice.
    expect(proc.output()).not.toMatch(/"msg":"stop called"/);
    await proc.waitForOutput(/"msg":"stopped"/);
    const exit = await proc.exited;
    expect(exit).toBe(0);
    expect(proc.output()).toMatch(/"msg":"draining called"[\s\S]*"msg":"stop called"/);
  }, 60_000);

  it('exits 1 when the stop outlasts IDP_SHUTDOWN_TIMEOUT_MS', async () => {
    const proc = startFixture({
      STOP_HANGS: '1',
      IDP_SHUTDOWN_DELAY_MS: '0',
      IDP_SHUTDOWN_TIMEOUT_MS: '300',
    });
    await proc.waitForOutput(/"msg":"service ready"/);
    process.kill(proc.pid, 'SIGTERM');
    await proc.waitForOutput(/"msg":"shutdown took too long"/);
    expect(await proc.exited).toBe(1);
  }, 60_000);
});
