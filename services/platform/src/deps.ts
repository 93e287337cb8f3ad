// What request handlers and the runner share: connections, the event store, the read model and config.
import type { Logger } from '@idp/observability';
import type { RoleCatalogue } from '@idp/rbac';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { PlatformEnv } from './config.js';
import type { EventStore } from './event-store.js';
import type { Projection } from './projection/projection.js';
import type { ReadBarrier } from './projection/read-barrier.js';
import type { PublicEvents } from './public-events.js';
import type { QuotaLookup } from './quota-lookup.js';

export interface RunnerHealth {
  running: boolean;
  active: number;
  completed: number;
  last_error: string | null;
}

export interface Deps {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  store: EventStore;
  projection: Projection;
  barrier: ReadBarrier;
  events: PublicEvents;
  logger: Logger;
  env: PlatformEnv;
  /** The role catalogue, to narrow permissions to an object's team. */
  roles: RoleCatalogue;
  /** The quota of a tenant, by its tier. */
  quotas: QuotaLookup;
  runnerHealth: () => RunnerHealth;
}
