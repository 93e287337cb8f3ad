// The system's services as service discovery finds them (GET /status). One sweep asks every service
// at once; a sweep younger than a second is reused and concurrent callers share one, so however often
// tenants call /status, the fleet answers at most about one sweep per second per platform instance.
import { SYSTEM_SERVICES, type SystemService } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import { type DiscoveredInstance, type DiscoverOptions, discoverInstances } from '@idp/service-kit';
import type { NatsConnection } from '@nats-io/transport-node';

export type ServiceInstances = Record<SystemService, DiscoveredInstance[]>;

const SWEEP_REUSE_MS = 1000;
/** A dead service costs the first wait; live ones end a stall after their last reply. */
const SWEEP_OPTIONS: DiscoverOptions = { maxWaitMs: 400, stallMs: 150 };

export class ServiceDirectory {
  private last: { at: number; sweep: Promise<ServiceInstances> } | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
    private readonly reuseMs = SWEEP_REUSE_MS,
  ) {}

  /** Every service's live instances, from a sweep at most `reuseMs` old. */
  instances(): Promise<ServiceInstances> {
    const now = Date.now();
    if (!this.last || now - this.last.at >= this.reuseMs) this.last = { at: now, sweep: this.sweep() };
    return this.last.sweep;
  }

  private async sweep(): Promise<ServiceInstances> {
    const onError = (error: unknown) => this.logger.warn({ err: error }, 'status: service discovery failed');
    const found = await Promise.all(
      SYSTEM_SERVICES.map((name) => discoverInstances(this.nc, name, { ...SWEEP_OPTIONS, onError })),
    );
    return Object.fromEntries(SYSTEM_SERVICES.map((name, i) => [name, found[i] ?? []])) as ServiceInstances;
  }
}

// One directory per connection (one per platform instance), so its sweeps are shared by every request.
const directories = new WeakMap<NatsConnection, ServiceDirectory>();

export function serviceDirectory(nc: NatsConnection, logger: Logger): ServiceDirectory {
  const known = directories.get(nc);
  if (known) return known;
  const directory = new ServiceDirectory(nc, logger);
  directories.set(nc, directory);
  return directory;
}
