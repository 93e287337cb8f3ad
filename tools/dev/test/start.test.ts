// `npm start` as a newcomer runs it: with a quiet LOG_LEVEL it still comes up (readiness comes from each
// service's probe, not from a log line), the API answers a token of the development secret, and Ctrl-C
// leaves no process behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { freePort, mintToken, waitFor } from '@idp/testing';
import { afterEach, describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const READY_WITHIN_MS = 90_000;

interface Started {
  child: ChildProcess;
  output: () => string;
  /** The pid of every process start.mjs launched, by name (nats, setup, auth, …). */
  pids: () => Map<string, number>;
  dir: string;
}

let started: Started | undefined;

afterEach(() => {
  if (!started) return;
  // A failed test must not leave the system running: the script, then every group it started.
  started.child.kill('SIGKILL');
  for (const pid of started.pids().values()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(started.dir, { recursive: true, force: true });
  started = undefined;
});

/** Whether a NATS server that requires credentials holds 4222 (someone's own `npm start`). */
function authenticatedNatsOnDefaultPort(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 4222 });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('data', (chunk) => done(/"auth_required":true/.test(chunk.toString())));
    socket.once('error', () => done(false));
  });
}

async function startLikeANewcomer(logLevel: string): Promise<Started & { httpPort: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'idp-npm-start-'));
  const httpPort = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: logLevel,
    IDP_NATS_DIR: join(dir, 'nats'),
    IDP_NATS_STORE_DIR: join(dir, 'nats-store'),
    IDP_HTTP_PORT: String(httpPort),
    IDP_WS_PORT: String(await freePort()),
  };
  for (const key of ['NATS_URL', 'IDP_JWT_SECRET', 'IDP_HEALTH_PORT', 'NODE_ENV']) delete env[key];
  // NATS_URL unset means 4222: an open server there is replaced by an embedded one on a free port, but
  // one with credentials would be used, with keys other than this test's.
  if (await authenticatedNatsOnDefaultPort()) env.NATS_URL = `nats://127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, ['tools/dev/start.mjs'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + stripVTControlCharacters(chunk.toString())).slice(-1_000_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const pids = () =>
    new Map([...output.matchAll(/started (\S+) \(pid (\d+)\)/g)].map((m) => [m[1]!, Number(m[2])]));
  started = { child, output: () => output, pids, dir };
  await waitFor(
    () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`npm start exited (${child.exitCode ?? child.signalCode}):\n${output.slice(-4000)}`);
      }
      return output.includes('all services are ready');
    },
    { timeoutMs: READY_WITHIN_MS, intervalMs: 100, message: 'npm start: all services ready' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output.slice(-4000)}`);
  });
  return { ...started, httpPort };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start', () => {
  for (const logLevel of ['warn', 'error']) {
    it(`comes up with LOG_LEVEL=${logLevel}, serves the API and stops every child on Ctrl-C`, async () => {
      const system = await startLikeANewcomer(logLevel);
      expect(system.output()).not.toContain('"msg":"service ready"');
      const pids = system.pids();
      expect([...pids.keys()]).toEqual(
        expect.arrayContaining(['nats', 'auth', 'ratelimit', 'platform', 'realtime', 'edge']),
      );

      const base = `http://127.0.0.1:${system.httpPort}`;
      const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) });
      expect(ready.status).toBe(200);
      const token = await mintToken({ sub: 'newcomer', tenant: `acme-${logLevel}` });
      const team = await fetch(`${base}/api/v1/teams`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'web' }),
        signal: AbortSignal.timeout(15_000),
      });
      expect(team.status).toBe(201);

      const exited = new Promise<number | null>((resolve) => system.child.once('exit', resolve));
      system.child.kill('SIGINT');
      await waitFor(() => system.child.exitCode !== null || system.child.signalCode !== null, {
        timeoutMs: 30_000,
        message: 'npm start stops on Ctrl-C',
      });
      expect(await exited).toBe(0);
      const left = [...pids].filter(([, pid]) => alive(pid));
      expect(left).toEqual([]);
    });
  }
});
