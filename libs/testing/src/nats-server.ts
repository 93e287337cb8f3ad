// Starts real nats-server processes with JetStream on free ports, and restarts them on the same port
// and store so clients reconnect and find their data: the basis of every failure test. By default a
// server runs in operator mode with the system's own setup directory (one user per service), so tests
// have the production shape: a service connects with its own credentials or not at all.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inboxPrefixFor } from '@idp/contracts';
import {
  issueTenantPublisherCreds,
  type NatsSetup,
  type UserPermissions,
  writeNatsSetup,
} from '@idp/nats-auth';
import { type ConnectionOptions, credsAuthenticator } from '@nats-io/transport-node';
import { freePort } from './ports.js';
import { terminate, track } from './processes.js';

/** How tests and services reach a NATS deployment (one server or a cluster) as one of its users. */
export interface NatsAccess {
  /** The server's URL; for a cluster, every server's, separated by commas (as NATS_URL takes them). */
  url: string;
  /** The operator-mode setup (keys, config, creds); undefined for a server started with `auth: false`. */
  setup?: NatsSetup;
  /** Connection options (`credsFile`, `user`) for one of the setup's users; `{}` without auth. */
  as(user: NatsUser): { credsFile?: string; user?: string };
  /** Options for the client's own `connect()` as that user (servers, authenticator, inbox prefix). */
  clientOptions(user: NatsUser): ConnectionOptions;
  /** NATS_URL and NATS_CREDS for a service process of that user. */
  envFor(user: NatsUser): Record<string, string>;
  /**
   * The server's permission-violation log lines since start (users named, not keys): a system at work
   * should cause none; an attack test expects its own.
   */
  permissionViolations(): string[];
  /** A `.creds` file's text for a NATS-native publisher of one tenant (as `npm run nats:creds`). */
  tenantCreds(tenant: string, ttlSeconds?: number): Promise<string>;
  /** Stops every server and deletes its store. */
  cleanup(): Promise<void>;
}

export interface NatsServerHandle extends NatsAccess {
  port: number;
  storeDir: string;
  /** Graceful stop (SIGTERM); the store is kept. */
  stop(): Promise<void>;
  /** Abrupt death (SIGKILL), as a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port and store (after stop or kill, or stops first if running). */
  restart(): Promise<void>;
}

/** A service user, or `test`: an observer that may publish and subscribe anything (tests only). */
export type NatsUser = 'edge' | 'auth' | 'ratelimit' | 'platform' | 'realtime' | 'setup' | 'test';

export const TEST_USER: UserPermissions = {
  purpose: 'tests only: observes and injects anything',
  publish: ['>'],
  subscribe: ['>'],
  // Publishing `>` already covers any reply. With `respond` too, nats-server 2.9 tracked every request
  // this user received for a minute and scanned them all on each one: the benchmark's 1-hop floor, run
  // as this user, fell to a quarter of its speed (docs/operations.md, "response permissions").
  respond: false,
};

export interface NatsServerOptions {
  storeDir?: string;
  jetstream?: boolean;
  /** Operator mode with per-service users (default); `false` for an open server. */
  auth?: boolean;
  /** Reuse a setup directory (e.g. to restart a system on the same identities). */
  setupDir?: string;
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
  const setup =
    options.auth === false
      ? undefined
      : await writeNatsSetup(options.setupDir ?? join(storeDir, 'setup'), {
          extraUsers: { test: TEST_USER },
        });
  const jetstream = options.jetstream === false ? [] : ['-js', '-sd', storeDir];
  const violations: string[] = [];
  const config = setup ? ['-c', setup.configFile] : [];
  // Another process may take the free port before nats-server binds it: try a few fresh ports.
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 1; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(
        [...config, '-a', '127.0.0.1', '-p', String(port), ...jetstream],
        port,
        violations,
      );
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const args = [...config, '-a', '127.0.0.1', '-p', String(port), ...jetstream];
  const url = `nats://127.0.0.1:${port}`;

  const stopWith = async (signal: NodeJS.Signals) => {
    if (child) await terminate(child, signal);
    child = undefined;
  };
  const access = natsAccess([url], setup, () => violations);
  return {
    ...access,
    port,
    storeDir,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    restart: async () => {
      await stopWith('SIGTERM');
      child = await launch(args, port, violations);
    },
    cleanup: async () => {
      await stopWith('SIGTERM');
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

/** The user-facing part of a handle, for one server or several (a cluster). */
export function natsAccess(
  urls: string[],
  setup: NatsSetup | undefined,
  violations: () => string[],
): Omit<NatsAccess, 'cleanup'> {
  const url = urls.join(',');
  return {
    url,
    setup,
    as: (user) => (setup ? { credsFile: setup.credsFile(user), user } : {}),
    clientOptions: (user) =>
      setup
        ? {
            servers: urls,
            authenticator: credsAuthenticator(readFileSync(setup.credsFile(user))),
            inboxPrefix: inboxPrefixFor(user),
          }
        : { servers: urls },
    envFor: (user) => ({ NATS_URL: url, ...(setup && { NATS_CREDS: setup.credsFile(user) }) }),
    permissionViolations: () =>
      violations().map((line) => {
        const key = /Nkey "([A-Z0-9]+)"/.exec(line)?.[1];
        const name = key && setup?.userNames.get(key);
        return name ? line.replace(key, `${key} (${name})`) : line;
      }),
    tenantCreds: async (tenant, ttlSeconds) => {
      if (!setup) throw new Error('tenant credentials need a server with auth');
      const issued = await issueTenantPublisherCreds({
        tenant,
        accountPublicKey: setup.trust.account.publicKey,
        publisherSignerSeed: await readFile(setup.publisherSignerFile, 'utf8'),
        ttlSeconds,
      });
      return issued.creds;
    },
  };
}

const MAX_VIOLATIONS = 1_000;

/** Starts one nats-server process and resolves once it takes connections (and JetStream is up). */
export async function launch(args: string[], port: number, violations: string[] = []): Promise<ChildProcess> {
  const child = spawn(natsServerBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  track(child);
  let stderr = '';
  let partial = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (/ Violation /.test(line) && violations.length < MAX_VIOLATIONS) violations.push(line);
    }
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
