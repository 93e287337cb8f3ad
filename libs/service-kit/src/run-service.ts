// Runs a service: a failed start is logged as one fatal line and exits 1; SIGTERM/SIGINT stop it once
// (a second signal while stopping is ignored), bounded so a stuck drain cannot hang a rollout; an
// error that escapes every handler is logged, never fatal (last-resort.ts).

import type { Server } from 'node:http';
import type { Logger } from '@idp/observability';
import { startHealthServer } from './health-server.js';
import { installLastResortHandlers } from './last-resort.js';

export interface ServiceHandle {
  stop(): Promise<void>;
  /** Whether the service can do its work now (e.g. its NATS connection is up); default: always. */
  ready?(): boolean;
}

export interface RunServiceOptions {
  logger: Logger;
  /** Fields for the `service ready` line. */
  readyFields?: () => Record<string, unknown>;
  stopTimeoutMs?: number;
  /** Serve /healthz and /readyz on this port for probes (services without an HTTP server of their own). */
  healthPort?: number;
}

export async function runService(
  start: () => Promise<ServiceHandle>,
  options: RunServiceOptions,
): Promise<void> {
  const { logger } = options;
  installLastResortHandlers(logger);
  let stopping = false;
  let handle: ServiceHandle;
  let health: Server | undefined;
  try {
    handle = await start();
    if (options.healthPort) {
      health = await startHealthServer(options.healthPort, () => !stopping && (handle.ready?.() ?? true));
    }
  } catch (error) {
    logger.fatal({ err: error }, 'service failed to start');
    await flushed(logger);
    process.exit(1);
  }
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, options.stopTimeoutMs ?? 15_000);
    try {
      health?.close();
      await handle.stop();
      logger.info('stopped');
      await flushed(logger);
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      await flushed(logger);
      process.exit(1);
    } finally {
      clearTimeout(timer);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));
  // Only now: whoever waits for this line may signal us at once.
  logger.info(options.readyFields?.() ?? {}, 'service ready');
}

/** pino may buffer lines for a pipe; process.exit would drop the last ones (often the most useful). */
function flushed(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1_000);
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
