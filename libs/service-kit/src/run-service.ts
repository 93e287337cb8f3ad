// Runs a service: a failed start is logged as one fatal line and exits 1; SIGTERM/SIGINT stop it once
// (a second signal while stopping is ignored), bounded so a stuck drain cannot hang a rollout; an
// error that escapes every handler is logged, never fatal (last-resort.ts).

import type { Server } from 'node:http';
import type { Logger } from '@idp/observability';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type MetricsSource, type ReadinessDetails, startHealthServer } from './health-server.js';
import { installLastResortHandlers } from './last-resort.js';

export interface ServiceHandle {
  stop(): Promise<void>;
  /** Whether the service can do its work now (e.g. its NATS connection is up); default: always. */
  ready?(): boolean;
  /** Readiness details for the probe port's /readyz (the public listener, if any, shows less). */
  readiness?(): Promise<ReadinessDetails>;
  /** The service's Prometheus metrics; default: the process metrics, labelled with the service. */
  metrics?: MetricsSource;
}

export interface RunServiceOptions {
  logger: Logger;
  /** Fields for the `service ready` line. */
  readyFields?: () => Record<string, unknown>;
  stopTimeoutMs?: number;
  /**
   * The probe port: /healthz, /readyz and /metrics for orchestrators and Prometheus. Never the public
   * API listener, so metrics and readiness details are not shown to the Internet (design.md §3, §10).
   */
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
      const started = handle;
      health = await startHealthServer(options.healthPort, {
        ready: () => !stopping && (started.ready?.() ?? true),
        details: started.readiness ? () => started.readiness!() : undefined,
        metrics: started.metrics ?? processMetrics(logger),
      });
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

/** Node's process metrics (CPU, memory, event loop, GC), labelled with the logger's `service`. */
function processMetrics(logger: Logger): Registry {
  const registry = new Registry();
  const service = (logger.bindings() as { service?: unknown }).service;
  if (typeof service === 'string') registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
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
