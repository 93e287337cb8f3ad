// `npm run cluster` as a newcomer runs it: it prints where everything is once ready; a development token
// works through each of the two edges, and through the round-robin entry; every stream and bucket has
// three replicas on the three-server NATS cluster; each service runs twice; and a terminal's Ctrl-C
// (SIGINT to the whole foreground process group) leaves no process behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { Streams } from '@idp/contracts';
import { mintToken, waitFor } from '@idp/testing';
import { jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';

const root = new URL('../../../../', import.meta.url).pathname;
// A safety net for a loaded machine: it comes up in about 60 s on two busy cores.
const READY_WITHIN_MS = 100_000;
const SERVICES = ['auth', 'ratelimit', 'platform', 'realtime', 'edge'];

interface Running {
  child: ChildProcess;
  output: () => string;
  dir: string;
}

let running: Running | undefined;

afterEach(() => {
  if (!running) return;
  // A failed test must not leave the cluster running: the runner's group, and the NATS host's own.
  for (const pid of [running.child.pid, ...startedPids(running.output()).values()]) {
    try {
      if (pid) process.kill(-pid, 'SIGKILL');
    } catch {
      // That group is gone.
    }
  }
  rmSync(running.dir, { recursive: true, force: true });
  running = undefined;
});

/** Every process the runner says it started, by name (`nats`, `setup`, `auth-1`, …). */
function startedPids(output: string): Map<string, number> {
  return new Map([...output.matchAll(/started (\S+) \(pid (\d+)\)/g)].map((m) => [m[1]!, Number(m[2])]));
}

async function startLikeANewcomer(): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'idp-npm-cluster-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: 'warn',
    IDP_NATS_DIR: join(dir, 'nats'),
    IDP_HTTP_PORT: '0',
    IDP_WS_PORT: '0',
  };
  for (const key of ['NATS_URL', 'NATS_CREDS', 'IDP_JWT_SECRET', 'IDP_HEALTH_PORT', 'NODE_ENV'])
    delete env[key];
  // Its own process group, as a terminal's foreground job: Ctrl-C goes to the whole group.
  const child = spawn('npm', ['run', 'cluster'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + stripVTControlCharacters(chunk.toString())).slice(-1_000_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  running = { child, output: () => output, dir };
  await waitFor(
    () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`npm run cluster exited (${child.exitCode ?? child.signalCode})`);
      }
      return output.includes('the local cluster is ready') && output.includes('Ctrl-C stops everything');
    },
    { timeoutMs: READY_WITHIN_MS, intervalMs: 200, message: 'npm run cluster: the local cluster is ready' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output.slice(-4000)}`);
  });
  return running;
}

/** The welcome's addresses. */
function addresses(output: string) {
  const welcome = output.slice(output.indexOf('the local cluster is ready'));
  const one = (pattern: RegExp) => {
    const found = pattern.exec(welcome)?.[1];
    if (!found) throw new Error(`the welcome has no ${pattern}:\n${welcome}`);
    return found;
  };
  return {
    natsUrls: one(/^NATS\s+(\S+)/m).split(','),
    entry: one(/^entry REST\s+(\S+)/m),
    edges: [...welcome.matchAll(/^edge-\d\s+REST (\S+)/gm)].map((m) => m[1]!),
    realtimes: [...welcome.matchAll(/^realtime-\d\s+WS (\S+)/gm)].map((m) => m[1]!),
    probes: [...welcome.matchAll(/probe (\S+)/g)].map((m) => m[1]!),
  };
}

const call = (url: string, token: string, init: RequestInit = {}) =>
  fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    signal: AbortSignal.timeout(15_000),
  });

async function streamsOf(natsUrls: string[], credsFile: string): Promise<StreamInfo[]> {
  const nc = await connect({
    servers: natsUrls,
    authenticator: credsAuthenticator(readFileSync(credsFile)),
    timeout: 5_000,
  });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 5_000 });
    return await jsm.streams.list().next();
  } finally {
    await nc.close();
  }
}

/** Processes still in a process group (Linux /proc): what a Ctrl-C must have ended. */
function processesInGroup(group: number): number[] {
  const left: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces, so count from its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie has exited and holds nothing but its exit status until reaped: not left running.
      if (Number(fields[2]) === group && fields[0] !== 'Z') left.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return left;
}

/** `pid state command line`, for a failure message. */
function describeProcess(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return `${pid} ${state} ${command.slice(0, 200)}`;
  } catch {
    return `${pid} (gone)`;
  }
}

function acceptsConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: hostname, port: Number(port) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

describe('npm run cluster', () => {
  it('runs two instances of every service on a three-server JetStream cluster, and Ctrl-C stops them all', async () => {
    const cluster = await startLikeANewcomer();
    const where = addresses(cluster.output());
    expect(where.natsUrls).toHaveLength(3);
    expect(where.edges).toHaveLength(2);
    expect(where.realtimes).toHaveLength(2);
    expect(where.probes).toHaveLength(SERVICES.length * 2);
    for (const probe of where.probes) {
      expect((await fetch(probe, { signal: AbortSignal.timeout(5_000) })).status, probe).toBe(200);
    }

    const token = await mintToken({ sub: 'newcomer', tenant: 'acme-cluster' });
    // Each edge answers, and every service's two instances answer discovery.
    for (const edge of where.edges) {
      const status = await call(`${edge}/status`, token);
      expect(status.status, edge).toBe(200);
      const services = ((await status.json()) as { data: { services: Record<string, unknown> } }).data
        .services;
      for (const name of SERVICES) {
        expect(services[name], `${edge}: ${name}`).toMatchObject({ instances: { count: 2 } });
      }
    }
    // A write through the entry is read back through either edge.
    const created = await call(`${where.entry}/teams`, token, {
      method: 'POST',
      body: JSON.stringify({ name: 'web' }),
    });
    expect(created.status).toBe(201);
    const teamId = ((await created.json()) as { data: { id: string } }).data.id;
    for (const edge of where.edges) {
      await waitFor(async () => (await call(`${edge}/teams/${teamId}`, token)).status === 200, {
        timeoutMs: 10_000,
        intervalMs: 200,
        message: `${edge} reads the team written through the entry`,
      });
    }

    const streams = await streamsOf(where.natsUrls, join(cluster.dir, 'nats', 'creds', 'test.creds'));
    expect(streams.map((s) => s.config.name)).toEqual(
      expect.arrayContaining([Streams.events.name, Streams.eventStore.name, Streams.operationsWork.name]),
    );
    for (const stream of streams) {
      expect(stream.config.num_replicas, stream.config.name).toBe(3);
      expect(stream.cluster?.replicas ?? [], stream.config.name).toHaveLength(2);
    }

    const pids = startedPids(cluster.output());
    const natsHost = pids.get('nats');
    expect(natsHost).toBeDefined();
    const group = cluster.child.pid!;
    const exited = new Promise<string>((resolve) =>
      cluster.child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
    );
    process.kill(-group, 'SIGINT');
    // npm ends a script stopped by Ctrl-C by the same signal, once its child has exited (0 here).
    expect(await withBound(exited, 30_000, 'npm run cluster exits on Ctrl-C')).toMatch(/^(SIGINT|exit 0)$/);
    const left = () => [...processesInGroup(group), ...processesInGroup(natsHost!)];
    await waitFor(() => left().length === 0, {
      timeoutMs: 15_000,
      message: 'no process of the cluster is left',
    }).catch((error: Error) => {
      throw new Error(`${error.message}; still running: ${left().map(describeProcess).join('; ')}`);
    });
    for (const url of where.natsUrls) expect(await acceptsConnections(url), url).toBe(false);
    expect(cluster.output()).toContain('[cluster] stopped');
  });
});

function withBound<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
