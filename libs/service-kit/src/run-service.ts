// Runs a service: a failed start is logged as one fatal line and exits 1; SIGTERM/SIGINT stop it once
// (a second signal while stopping is ignored) in the order of shutdown.ts: readiness 503 while the
// probe port stays up, the drain delay, then the bounded stop; an error that escapes every handler is
// logged, never fatal (last-resort.ts).

import type { Logger } from '@idp/observability';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type MetricsSource, type ReadinessDetails, startHealthServer } from './health-server.js';
import { installLastResortHandlers } from './last-resort.js';
import { trackRequestsInFlight } from './nats-drain.js';
import { DEFAULT_SHUTDOWN, ShutdownSequence } from './shutdown.js';

export interface ServiceHandle {
  /** Stops taking work, finishes what is in flight, drains NATS: called after the drain delay. */
  stop(): Promise<void>;
  /** Called at once on SIGTERM, while still serving (e.g. the edge answers `Connection: close`). */
  draining?(): void;
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
  /** The service's IDP_SHUTDOWN_DELAY_MS and IDP_SHUTDOWN_TIMEOUT_MS (its parsed env fits). */
  shutdown?: { IDP_SHUTDOWN_DELAY_MS: number; IDP_SHUTDOWN_TIMEOUT_MS: number };
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
  // So a stop can wait for the NATS requests being answered (drainNats).
  trackRequestsInFlight();
  let shutdown: ShutdownSequence;
  try {
    const handle = await start();
    shutdown = new ShutdownSequence(
      { stop: () => handle.stop(), draining: handle.draining && (() => handle.draining!()) },
      shutdownSettings(options.shutdown),
      logger,
    );
    const sequence = shutdown;
    if (options.healthPort) {
      // The probe port stays up until the process exits: it is what tells the balancer "not ready".
      await startHealthServer(options.healthPort, {
        ready: () => !sequence.draining && (handle.ready?.() ?? true),
        details: handle.readiness ? () => handle.readiness!() : undefined,
        metrics: handle.metrics ?? processMetrics(logger),
      });
    }
  } catch (error) {
    logger.fatal({ err: error }, 'service failed to start');
    await flushed(logger);
    process.exit(1);
  }
  const stopOn = async (signal: string) => {
    const outcome = await shutdown.run(signal);
    await flushed(logger);
    process.exit(outcome === 'stopped' ? 0 : 1);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stopOn(signal));
  // Only now: whoever waits for this line may signal us at once.
  logger.info(options.readyFields?.() ?? {}, 'service ready');
}

function shutdownSettings(env: RunServiceOptions['shutdown']) {
  if (!env) return DEFAULT_SHUTDOWN;
  return { delayMs: env.IDP_SHUTDOWN_DELAY_MS, timeoutMs: env.IDP_SHUTDOWN_TIMEOUT_MS };
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
