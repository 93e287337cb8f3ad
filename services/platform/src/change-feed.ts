// The platform's change feed: after every event-store append, one empty core-NATS message on
// `idp.chg.<tenant>.<aggregate>.<id>` (ChangeSubjects), which every edge hears to drop its cached
// reads of that tenant (design.md §10). The public events are not enough for that: creating or
// editing an application, its desired state, a team or a membership publishes none, while every change
// of what the read model serves is an append. The notice carries no data, so hearing it tells an edge
// only that something of a tenant changed; it is not stored, because an edge that misses notices
// (a disconnect) drops its whole cache anyway.
import { ChangeSubjects } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { StoredEvent } from './aggregates/stored-event.js';
import { EventStore } from './event-store.js';

export class ChangeAnnouncingEventStore extends EventStore {
  constructor(
    js: JetStreamClient,
    logger: Logger,
    private readonly nc: NatsConnection,
  ) {
    super(js, logger, () => nc.isClosed());
  }

  override async append(event: StoredEvent<string, unknown>, expectedSeq: number): Promise<number> {
    try {
      return await super.append(event, expectedSeq);
    } finally {
      // Announced after a failure too: an append whose acknowledgement was lost may still have
      // landed, and an extra notice costs an edge one refetch, never a stale answer.
      this.announce(event);
    }
  }

  private announce(event: StoredEvent<string, unknown>): void {
    try {
      this.nc.publish(ChangeSubjects.aggregate(event.tenant_id, event.aggregate, event.id));
    } catch {
      // A closed connection: the edges lose theirs too, and drop their caches when they do.
    }
  }
}
