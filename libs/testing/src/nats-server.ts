// Starts real nats-server processes with JetStream on free ports, and restarts them on the same port
// and store so clients reconnect and find their data: the basis of every failure test.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { terminate, track } from './processes.js';

export interface NatsServerHandle {
  url: string;
  port: number;
  storeDir: string;
  /** Graceful stop (SIGTERM); the store is kept. */
  stop(): Promise<void>;
  /** Abrupt death (SIGKILL), as a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port and store (after stop or kill, or stops first if running). */
  restart(): Promise<void>;
  /** Stops and deletes the store. */
  cleanup(): Promise<void>;
}

export interface NatsServerOptions {
  storeDir?: string;
  jetstream?: boolean;
}

export function natsServerBinary(): string {
  const candidates = [
    process.env.NATS_SERVER_BIN,
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
    '/usr/local/bin/nats-server',
  ];
  for (const dir of (process.env.PATH ?? '').split(':')) candidates.push(join(dir, 'nats-server'));
  const found = candidates.find((c) => c && existsSync(c));
  if (!found)
    throw new Error(
      'nats-server not found: install it (apt-get install -y nats-server) or set NATS_SERVER_BIN',
    );
  return found;
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), 'idp-nats-')));
  const jetstream = options.jetstream === false ? [] : ['-js', '-sd', storeDir];
  // Another process may take the free port before nats-server binds it: try a few fresh ports.
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 1; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(['-a', '127.0.0.1', '-p', String(port), ...jetstream], port);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const args = ['-a', '127.0.0.1', '-p', String(port), ...jetstream];

  const stopWith = async (signal: NodeJS.Signals) => {
    if (child) await terminate(child, signal);
    child = undefined;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    restart: async () => {
      await stopWith('SIGTERM');
      child = await launch(args, port);
    },
    cleanup: async () => {
      await stopWith('SIGTERM');
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

async function launch(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(natsServerBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  track(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}: ${stderr}`);
    if ((await canConnect(port)) && (await jetStreamReady(stderr, args))) return child;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`nats-server did not accept connections on ${port} within 10 s: ${stderr}`);
}

/** nats-server logs to stderr; with JetStream on, wait for its "Server is ready" after JetStream init. */
const jetStreamReady = async (stderr: string, args: string[]) =>
  !args.includes('-js') || /Server is ready/.test(stderr);

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
