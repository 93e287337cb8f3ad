// Checks every provisioned resource once per interval and publishes health_check_passed/failed on its
// `resource:<id>:health` topic. Every platform instance runs the monitor; one event per resource and
// interval reaches the stream because each carries a message id of (resource, interval) that the stream
// deduplicates, and the simulated result is the same on every instance. No leader, lease or membership
// is needed, and a dead instance costs nothing; the price is that each instance does the (simulated,
// cheap) check itself. A real probe would move behind a work queue instead.
import type { Logger } from '@idp/observability';
import type { PlatformEnv } from '../config.js';
import type { Projection } from '../projection/projection.js';
import type { PublicEvents } from '../public-events.js';
import { healthMsgId, isChecked, simulateCheck } from './check.js';

/** Publishes in flight at once, so a large fleet does not flood the connection. */
const BATCH = 32;

export interface HealthMonitorDeps {
  projection: Projection;
  events: PublicEvents;
  logger: Logger;
  env: Pick<PlatformEnv, 'IDP_HEALTH_CHECK_INTERVAL_MS' | 'IDP_HEALTH_CHECK_FAILURE_RATE'>;
}

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: HealthMonitorDeps) {}

  start(): void {
    if (this.deps.env.IDP_HEALTH_CHECK_INTERVAL_MS > 0) this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** Fires at the start of the next interval, named by its number so early or late timers agree. */
  private schedule(): void {
    if (this.stopped) return;
    const interval = this.deps.env.IDP_HEALTH_CHECK_INTERVAL_MS;
    const now = Date.now();
    const tick = Math.floor(now / interval) + 1;
    this.timer = setTimeout(
      () => {
        // A round still publishing when the next starts means the fleet outgrew the interval: skip one.
        if (!this.round) this.round = this.check(tick).finally(() => (this.round = undefined));
        else this.deps.logger.warn({ tick }, 'health checks of the last interval still running; skipped one');
        this.schedule();
      },
      tick * interval - now,
    );
    this.timer.unref();
  }

  /** Checks every resource that is provisioned now, for interval `tick`. */
  async check(tick: number): Promise<void> {
    const { projection, events, env, logger } = this.deps;
    const interval = env.IDP_HEALTH_CHECK_INTERVAL_MS;
    const resources = [...projection.model.resources.all()].filter(isChecked);
    const at = new Date();
    for (let i = 0; i < resources.length && !this.stopped; i += BATCH) {
      await Promise.all(
        resources.slice(i, i + BATCH).map((resource) => {
          const { event, data } = simulateCheck(resource, tick, env.IDP_HEALTH_CHECK_FAILURE_RATE, at);
          const msgId = healthMsgId(resource, interval, tick);
          return events.healthCheck(resource.tenant_id, resource.id, event, data, msgId);
        }),
      );
    }
    logger.debug({ tick, resources: resources.length }, 'health checks published');
  }
}
