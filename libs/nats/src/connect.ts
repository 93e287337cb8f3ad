// Connects to NATS with endless reconnects and logs every change of connection state. A service
// authenticates with its own `.creds` file, receives replies under its own inbox prefix and, when a CA
// is given, checks the server's certificate (design.md §9).

import { readFile } from 'node:fs/promises';
import { inboxPrefixFor } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import {
  type ConnectionOptions,
  connect,
  credsAuthenticator,
  type NatsConnection,
} from '@nats-io/transport-node';

export interface NatsTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface ConnectOptions {
  /** One server URL, or a comma-separated list of a cluster's servers (NATS_URL). */
  servers: string;
  /** Shown in the server's connection list (`nats server report connections`). */
  name: string;
  logger: Logger;
  /** How long to keep trying the first connection before giving up. */
  firstConnectTimeoutMs?: number;
  /** The NATS user's credentials file (JWT + nkey seed). Without it the connection is anonymous. */
  credsFile?: string;
  /** The NATS user this connection acts as: its replies arrive under `_INBOX_<user>`. */
  user?: string;
  tls?: NatsTlsFiles;
}

/** The connection settings a service takes from its environment (NATS_CREDS, NATS_TLS_*). */
export function natsAuthFromEnv(
  env: { NATS_CREDS?: string; NATS_TLS_CA?: string; NATS_TLS_CERT?: string; NATS_TLS_KEY?: string },
  user: string,
): Pick<ConnectOptions, 'credsFile' | 'user' | 'tls'> {
  const tls =
    env.NATS_TLS_CA || env.NATS_TLS_CERT
      ? { caFile: env.NATS_TLS_CA, certFile: env.NATS_TLS_CERT, keyFile: env.NATS_TLS_KEY }
      : undefined;
  return { credsFile: env.NATS_CREDS, user, tls };
}

/**
 * NATS_URL names one server or, for a cluster, several separated by commas (as the NATS CLI takes
 * them): the client starts at one, learns the others and moves to any that answers when it fails.
 */
export function serverList(servers: string): string[] {
  const list = servers
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (list.length === 0) throw new Error('NATS_URL names no server');
  return list;
}

async function connectionOptions(options: ConnectOptions): Promise<ConnectionOptions> {
  const settings: ConnectionOptions = {
    servers: serverList(options.servers),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 10_000,
    // The client otherwise builds an Error (with a stack trace) for every request it sends, in
    // case it times out; on the hot path that costs 5-7 % of the edge's CPU. Our failures name
    // the subject instead.
    noAsyncTraces: true,
  };
  if (options.user) settings.inboxPrefix = inboxPrefixFor(options.user);
  if (options.credsFile) {
    // Read once: a creds file that cannot be read is a configuration error, not a retryable outage.
    const creds = await readFile(options.credsFile).catch((error: Error) => {
      throw new Error(`NATS_CREDS: cannot read ${options.credsFile}: ${error.message}`);
    });
    settings.authenticator = credsAuthenticator(new Uint8Array(creds));
  }
  if (options.tls) {
    const { caFile, certFile, keyFile } = options.tls;
    settings.tls = { caFile, certFile, keyFile };
  }
  return settings;
}

export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const { logger } = options;
  const settings = await connectionOptions(options);
  const deadline = Date.now() + (options.firstConnectTimeoutMs ?? 30_000);
  let lastError: unknown;
  // The client's own first-connect retry gives no progress report; this loop logs each attempt.
  while (Date.now() < deadline) {
    try {
      const nc = await connect(settings);
      logger.info({ server: nc.getServer() }, 'connected to NATS');
      void watchStatus(nc, logger);
      return nc;
    } catch (error) {
      // Refused credentials will not start working by retrying: fail at once with the reason.
      if (isAuthError(error))
        throw new Error(`NATS refused the credentials of ${options.name}`, { cause: error });
      lastError = error;
      logger.warn({ err: error, servers: options.servers }, 'NATS not reachable yet, retrying');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`could not connect to NATS at ${options.servers}`, { cause: lastError });
}

function isAuthError(error: unknown): boolean {
  const text = `${(error as Error)?.name ?? ''} ${(error as Error)?.message ?? ''}`;
  return /authorization|authentication|AuthorizationError|UserAuthenticationExpired/i.test(text);
}

async function watchStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) {
    switch (status.type) {
      case 'disconnect':
        logger.warn({ server: status.server }, 'NATS disconnected');
        break;
      case 'reconnect':
        logger.info({ server: status.server }, 'NATS reconnected');
        break;
      case 'error':
        logger.error({ err: status.error }, 'NATS error');
        break;
      case 'slowConsumer':
        logger.warn({ subject: status.sub.getSubject() }, 'NATS slow consumer');
        break;
      default:
        break;
    }
  }
}
