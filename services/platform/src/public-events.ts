// Publishes public events (design.md §5) to the events stream. Best effort: the event store is the
// truth, so a failed publish is logged, never allowed to fail the command that caused it. The two
// exceptions carry a message id, so the stream keeps one copy however many times they are sent:
// an operation's end notification (which must not be lost, so its failure is thrown) and a health
// check (which every instance may send for the same interval).
import { EventSubjects, type PublishedEvent } from '@idp/contracts';
import { encodeJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';

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

  /** One health check's result; `msgId` names the resource and interval, so duplicates are dropped. */
  async healthCheck(
    tenant: string,
    resourceId: string,
    event: string,
    data: Record<string, unknown>,
    msgId: string,
  ): Promise<PubAck | undefined> {
    const subject = EventSubjects.resource(tenant, resourceId, 'health');
    try {
      return await this.send(subject, event, data, msgId);
    } catch (error) {
      this.logger.warn({ err: error, subject, event }, 'could not publish a health check');
      return undefined;
    }
  }

  /**
   * A notice to one user's `user:notifications`. Throws when the stream did not take it, so the
   * caller can retry; `msgId` makes the retry (or a rerun after a crash) a no-op once one copy is stored.
   */
  userNotification(
    tenant: string,
    sub: string,
    event: string,
    data: Record<string, unknown>,
    msgId: string,
  ): Promise<PubAck> {
    return this.send(EventSubjects.userNotifications(tenant, sub), event, data, msgId);
  }

  private async publish(subject: string, event: string, data: Record<string, unknown>): Promise<void> {
    try {
      await this.send(subject, event, data);
    } catch (error) {
      this.logger.warn({ err: error, subject, event }, 'could not publish a public event');
    }
  }

  private send(
    subject: string,
    event: string,
    data: Record<string, unknown>,
    msgID?: string,
  ): Promise<PubAck> {
    const body: PublishedEvent = { event, data, timestamp: new Date().toISOString() };
    return this.js.publish(subject, encodeJson(body), { timeout: 5000, ...(msgID && { msgID }) });
  }
}
