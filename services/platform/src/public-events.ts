// Publishes public events (design.md §5) to the events stream. Best effort: the event store is the
// truth, so a failed publish is logged, never allowed to fail the command that caused it.
import { EventSubjects, type PublishedEvent } from '@idp/contracts';
import { encodeJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { JetStreamClient } from '@nats-io/jetstream';

export class PublicEvents {
  constructor(
    private readonly js: JetStreamClient,
    private readonly logger: Logger,
  ) {}

  application(tenant: string, appId: string, event: string, data: Record<string, unknown>): Promise<void> {
    return this.publish(EventSubjects.application(tenant, appId), event, data);
  }

  operation(tenant: string, opId: string, event: string, data: Record<string, unknown>): Promise<void> {
    return this.publish(EventSubjects.operation(tenant, opId), event, data);
  }

  resource(
    tenant: string,
    resourceId: string,
    channel: 'status' | 'health',
    event: string,
    data: Record<string, unknown>,
  ) {
    return this.publish(EventSubjects.resource(tenant, resourceId, channel), event, data);
  }

  private async publish(subject: string, event: string, data: Record<string, unknown>): Promise<void> {
    const body: PublishedEvent = { event, data, timestamp: new Date().toISOString() };
    try {
      await this.js.publish(subject, encodeJson(body), { timeout: 5000 });
    } catch (error) {
      this.logger.warn({ err: error, subject, event }, 'could not publish a public event');
    }
  }
}
