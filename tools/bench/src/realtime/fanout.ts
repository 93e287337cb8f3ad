// One fan-out measurement: a fresh server process pinned to its own core, a load process holding every
// client pinned to another, idle RSS per connection, then ≥ `seconds` of paced delivery. The driver keeps
// at most WINDOW events per client in flight (sent − delivered), so no server buffers without bound and
// none closes a slow consumer; the rate is read from the clients' count marks in the steady part.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpuMicros } from '../rest/cpu-time.js';

export type FanoutKind = 'bare' | 'realtime' | 'socketio';

export interface FanoutServer {
  pid: number;
  port: number;
  /** The URL clients connect to. */
  url: string;
  /** Sends `count` events to every client; resolves once they are handed to the server. */
  broadcast(count: number): Promise<void>;
  stop(): Promise<void>;
}

export interface FanoutResult {
  kind: FanoutKind;
  clients: number;
  msgsPerSec: number;
  idleKbPerConn: number;
  deliveredSeconds: number;
  /** Share of one CPU the server process used while the window was kept full (1 = its core saturated). */
  serverBusy: number;
  /** Deliveries still missing 30 s after the last event was sent (events × clients − received). */
  missing: number;
}

export interface FanoutOptions {
  kind: FanoutKind;
  clients: number;
  seconds: number;
  loadCpus: string;
  token?: string;
}

const WINDOW = 2_000;
const BURST = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

interface Progress {
  received: number;
  at: number;
}

/** From the load process: `marks[i]` is when its count reached (i + 1) × `markEvery` (epoch ms). */
export interface CountMarks {
  marks: number[];
  markEvery: number;
}

export async function measureFanout(server: FanoutServer, options: FanoutOptions): Promise<FanoutResult> {
  await sleep(1_000);
  const before = rssKb(server.pid);
  const load = startLoad(options, server.url);
  const samples: Progress[] = [];
  let serverBusy = Number.NaN;
  let missing = Number.NaN;
  try {
    await load.ready;
    load.child.on('message', (m: Progress) => {
      if (typeof m.received === 'number') samples.push(m);
    });
    await sleep(2_000);
    const idleKbPerConn = (rssKb(server.pid) - before) / options.clients;
    const cpuBefore = cpuMicros(server.pid);
    const driveStart = performance.now();
    missing = await drive(server, options, samples, () => {
      serverBusy = (cpuMicros(server.pid) - cpuBefore) / ((performance.now() - driveStart) * 1000);
    });
    const steady = steadyRate(await countMarks(load.child), options.seconds);
    // A measurement whose clients saw nothing measured the machine, not the server: kept as no number.
    if (steady.msgsPerSec === 0) {
      process.stderr.write(
        `bench: ${options.kind} × ${options.clients}: no deliveries seen, run discarded\n`,
      );
      steady.msgsPerSec = Number.NaN;
    }
    return { kind: options.kind, clients: options.clients, idleKbPerConn, serverBusy, missing, ...steady };
  } finally {
    load.child.send({ cmd: 'close' });
    await new Promise((r) => {
      load.child.once('exit', r);
      setTimeout(r, 5_000);
    });
    load.child.kill('SIGKILL');
  }
}

/**
 * Keeps the window full for `seconds`, then waits (bounded) for the clients to drain it; returns the
 * deliveries still missing then.
 */
async function drive(
  server: FanoutServer,
  options: FanoutOptions,
  samples: Progress[],
  onSendingDone: () => void,
): Promise<number> {
  const received = () => samples.at(-1)?.received ?? 0;
  let sent = 0;
  const end = Date.now() + options.seconds * 1000;
  while (Date.now() < end) {
    if (sent - received() / options.clients < WINDOW) {
      await server.broadcast(BURST);
      sent += BURST;
    } else await sleep(2);
  }
  onSendingDone();
  const drainEnd = Date.now() + 30_000;
  while (received() < sent * options.clients && Date.now() < drainEnd) await sleep(100);
  return sent * options.clients - received();
}

function countMarks(child: ChildProcess): Promise<CountMarks> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('fan-out clients sent no count marks within 30 s')),
      30_000,
    );
    const onMessage = (m: Partial<CountMarks>) => {
      if (!Array.isArray(m.marks) || typeof m.markEvery !== 'number') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as CountMarks);
    };
    child.on('message', onMessage);
    child.send({ cmd: 'marks' });
  });
}

/**
 * Deliveries per second from the end of the first 10 % of `seconds` after the first mark to the end of
 * `seconds`: the part where the window is full, without the start-up and the drain after sending.
 */
export function steadyRate(
  { marks, markEvery }: CountMarks,
  seconds: number,
): { msgsPerSec: number; deliveredSeconds: number } {
  const firstAt = marks[0];
  if (firstAt === undefined) return { msgsPerSec: 0, deliveredSeconds: 0 };
  const from = marks.findIndex((at) => at >= firstAt + seconds * 100);
  const until = marks.findLastIndex((at) => at <= firstAt + seconds * 1000);
  if (from < 0 || until <= from) return { msgsPerSec: 0, deliveredSeconds: 0 };
  const span = (marks[until]! - marks[from]!) / 1000;
  return { msgsPerSec: ((until - from) * markEvery) / span, deliveredSeconds: span };
}

function startLoad(options: FanoutOptions, url: string) {
  const script = new URL('./fanout-clients.ts', import.meta.url).pathname;
  const node = [process.execPath, '--conditions=@idp/source', '--import', 'tsx', script];
  const args = [options.kind, url, String(options.clients), options.token ?? ''];
  const child: ChildProcess = spawn('taskset', ['-c', options.loadCpus, ...node, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fan-out clients not connected within 120 s')), 120_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`fan-out clients exited with ${code}`)));
  });
  return { child, ready };
}
