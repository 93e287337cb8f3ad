// Builds and starts one platform instance: NATS, streams, projection, RPC routes, the operations
// runner and the resource health monitor. main.ts only calls this; tests call it in-process, several
// times against one server.
import { Streams } from '@idp/contracts';
import { assertStreamsExist, connectNats, natsAuthFromEnv, streamLastSeq } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { RoleCatalogue } from '@idp/rbac';
import { Registry, stopTakingRequests } from '@idp/service-kit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ChangeAnnouncingEventStore } from './change-feed.js';
import { type PlatformEnv, readPlatformEnv } from './config.js';
import type { Deps } from './deps.js';
import { sleep } from './event-store.js';
import { HealthMonitor } from './health/monitor.js';
import { createPlatformMetrics } from './metrics.js';
import type { RunnerHooks } from './operations/run-context.js';
import { OperationRunner } from './operations/runner.js';
import { Projection } from './projection/projection.js';
import { ReadBarrier } from './projection/read-barrier.js';
import { PublicEvents } from './public-events.js';
import { NO_QUOTAS, type QuotaLookup } from './quota-lookup.js';
import { servePlatform } from './server.js';

export interface StartPlatformOptions {
  natsUrl: string;
  logger: Logger;
  /** Settings over the defaults of PlatformEnv (main passes the parsed environment). */
  env?: Partial<PlatformEnv>;
  hooks?: RunnerHooks;
  /** The role catalogue; without one, requests that name a permission are refused (deny by default). */
  roles?: RoleCatalogue;
  /** Per-tenant quotas; none when absent. */
  quotas?: QuotaLookup;
  /** Where the platform's own metrics go (the probe port's registry); a throwaway one without. */
  registry?: Registry;
}

export interface PlatformHandle {
  readonly deps: Deps;
  readonly nc: NatsConnection;
  /** Graceful: stop taking work, hand running operations back, drain NATS. */
  stop(): Promise<void>;
  /** Abrupt, like a crash: close the connection without draining or acking anything. */
  kill(): Promise<void>;
}

const STARTUP_CATCH_UP_MS = 60_000;
const JS_API_TIMEOUT_MS = 3000;

export async function startPlatform(options: StartPlatformOptions): Promise<PlatformHandle> {
  const env: PlatformEnv = { ...readPlatformEnv({}), ...options.env, NATS_URL: options.natsUrl };
  const logger = options.logger;
  const nc = await connectNats({
    servers: env.NATS_URL,
    name: `platform-${env.IDP_INSTANCE_ID}`,
    logger,
    ...natsAuthFromEnv(env, 'platform'),
  });
  // Short API timeouts: after a server restart a lost request is retried sooner.
  const js = jetstream(nc, { timeout: JS_API_TIMEOUT_MS });
  const jsm = await jetstreamManager(nc, { timeout: JS_API_TIMEOUT_MS });
  // The setup step creates them; this instance's NATS user may use them, not create them.
  await assertStreamsExist(jsm, [Streams.eventStore.name, Streams.operationsWork.name, Streams.events.name]);
  const projection = new Projection(js, logger.child({ component: 'projection' }));
  await projection.start();
  let runner: OperationRunner | undefined;
  const deps: Deps = {
    nc,
    js,
    jsm,
    store: new ChangeAnnouncingEventStore(js, logger, nc),
    projection,
    barrier: new ReadBarrier(
      () => streamLastSeq(nc, Streams.eventStore.name, { timeoutMs: JS_API_TIMEOUT_MS }),
      projection,
      env.IDP_READ_BARRIER_TIMEOUT_MS,
    ),
    events: new PublicEvents(js, logger),
    logger,
    env,
    roles: options.roles ?? {},
    quotas: options.quotas ?? NO_QUOTAS,
    runnerHealth: () => runner?.health() ?? { running: false, active: 0, completed: 0, last_error: null },
  };
  createPlatformMetrics(options.registry ?? new Registry(), () => projection.model).countAppends(deps.store);
  await catchUp(deps);
  servePlatform(deps);
  runner = new OperationRunner(deps, env.IDP_INSTANCE_ID, options.hooks);
  await runner.start();
  const active = runner;
  const health = new HealthMonitor(deps);
  health.start();
  return {
    deps,
    nc,
    async stop() {
      // Leave the queue group and answer the requests already here (they may append events), then
      // hand running operations back (runner.ts) before the projection they read from stops.
      await stopTakingRequests(nc, env.IDP_SHUTDOWN_TIMEOUT_MS);
      await health.stop();
      await active.stop();
      await projection.stop();
      await nc.drain().catch(() => undefined);
    },
    async kill() {
      active.kill();
      void health.stop();
      await nc.close();
      await projection.stop();
    },
  };
}

/** Replays the event store before answering anything, so the first requests do not all wait. */
async function catchUp(deps: Deps): Promise<void> {
  const deadline = Date.now() + STARTUP_CATCH_UP_MS;
  for (;;) {
    try {
      await deps.barrier.wait();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      deps.logger.info({ applied_seq: deps.projection.appliedSeq }, 'replaying the event store');
      await sleep(200);
    }
  }
}
