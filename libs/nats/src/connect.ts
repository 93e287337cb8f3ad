// Connects to NATS with endless reconnects and logs every change of connection state.

import type { Logger } from '@idp/observability';
import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface ConnectOptions {
  servers: string;
  /** Shown in the server's connection list (`nats server report connections`). */
  name: string;
  logger: Logger;
  /** How long to keep trying the first connection before giving up. */
  firstConnectTimeoutMs?: number;
}

export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const { logger } = options;
  const deadline = Date.now() + (options.firstConnectTimeoutMs ?? 30_000);
  let lastError: unknown;
  // The client's own first-connect retry gives no progress report; this loop logs each attempt.
  while (Date.now() < deadline) {
    try {
      const nc = await connect({
        servers: options.servers,
        name: options.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        reconnectJitter: 100,
        pingInterval: 10_000,
        // The client otherwise builds an Error (with a stack trace) for every request it sends, in
        // case it times out; on the hot path that costs 5-7 % of the edge's CPU. Our failures name
        // the subject instead.
        noAsyncTraces: true,
      });
      logger.info({ server: nc.getServer() }, 'connected to NATS');
      void watchStatus(nc, logger);
      return nc;
    } catch (error) {
      lastError = error;
      logger.warn({ err: error, servers: options.servers }, 'NATS not reachable yet, retrying');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`could not connect to NATS at ${options.servers}`, { cause: lastError });
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
