// Publishes public events (design.md §5) to the events stream. Best effort: the event store is the
// truth, so a failed publish is logged, never allowed to fail the command that caused it. Every event
// carries a message id, so the stream keeps one copy however many times it is sent: an event whose
// acknowledgement was lost (a stream leader moving) is sent again a few times rather than dropped.
// An operation's end notification must not be lost, so its failure is thrown; a health check's id
// names the resource and interval, since every instance may send it.
import { EventSubjects, type PublishedEvent } from '@idp/contracts';
import { encodeJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { traceHeaders } from '@idp/tracing';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { newId } from './ids.js';

/** Sends of one best-effort event (each bounded by the publish timeout), and the pause between them. */
const BEST_EFFORT_SENDS = 3;
const RESEND_PAUSE_MS = 1_000;

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
    const msgId = newId('evt');
    const timestamp = new Date().toISOString();
    for (let send = 1; ; send++) {
      try {
        await this.send(subject, event, data, msgId, timestamp);
        return;
      } catch (error) {
        if (send >= BEST_EFFORT_SENDS) {
          this.logger.warn({ err: error, subject, event, sends: send }, 'could not publish a public event');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RESEND_PAUSE_MS * send));
      }
    }
  }

  private send(
    subject: string,
    event: string,
    data: Record<string, unknown>,
    msgID?: string,
    timestamp = new Date().toISOString(),
  ): Promise<PubAck> {
    // A resend must be the same message, or the stream's duplicate window would not know it.
    const body: PublishedEvent = { event, data, timestamp };
    // The publishing step's trace context rides along, so realtime's delivery continues the trace.
    const headers = traceHeaders();
    return this.js.publish(subject, encodeJson(body), { timeout: 5000, headers, ...(msgID && { msgID }) });
  }
}
