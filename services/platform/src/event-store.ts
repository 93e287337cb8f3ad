// Appends events to their aggregate's subject with optimistic concurrency: the append names the
// aggregate's last known stream sequence and JetStream rejects it when someone appended meanwhile.
import { ApiError } from '@idp/contracts';
import { encodeJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { Attr, withSpan } from '@idp/tracing';
import { JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { aggregateSubject, type StoredEvent } from './aggregates/stored-event.js';

const WRONG_LAST_SEQUENCE = 10071;
/** "maximum bytes exceeded": the stream is at its max_bytes and refuses new messages (discard new). */
const STREAM_FULL = /maximum (bytes|messages) exceeded/i;

/** A publish refused because its stream is at its size limit (discard new). */
export const isStreamFull = (error: unknown): boolean =>
  error instanceof JetStreamApiError && STREAM_FULL.test(error.message);
const TRANSIENT_RETRIES = 8;

/** Someone else appended to the aggregate since we read it: catch up and decide again. */
export class WrongSequenceError extends Error {
  override readonly name = 'WrongSequenceError';
}

export const isWrongSequence = (error: unknown): boolean => error instanceof WrongSequenceError;

export class EventStore {
  constructor(
    private readonly js: JetStreamClient,
    private readonly logger: Logger,
    private readonly isClosed: () => boolean,
  ) {}

  /**
   * Appends one event; returns its stream sequence. Transient failures (timeouts, a reconnecting
   * server) are retried with the same expectation, so an append whose ack was lost comes back as a
   * WrongSequenceError and the caller re-reads: it never lands twice.
   */
  append(event: StoredEvent<string, unknown>, expectedSeq: number): Promise<number> {
    const subject = aggregateSubject(event.tenant_id, event.aggregate, event.id);
    const attributes = {
      [Attr.eventType]: event.type,
      [Attr.tenant]: event.tenant_id,
      [Attr.messagingDestination]: subject,
      [Attr.expectedSeq]: expectedSeq,
    };
    return withSpan('event-store append', { kind: 'producer', attributes }, async (span) => {
      const seq = await this.publishWithRetries(subject, encodeJson(event), expectedSeq);
      span.setAttributes({ [Attr.streamSeq]: seq });
      return seq;
    });
  }

  private async publishWithRetries(subject: string, data: Uint8Array, expectedSeq: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.js.publish(subject, data, {
          expect: { lastSubjectSequence: expectedSeq },
          timeout: 3000,
        });
        return ack.seq;
      } catch (error) {
        if (isWrongSeqApiError(error)) {
          throw new WrongSequenceError(`${subject} moved past sequence ${expectedSeq}`, { cause: error });
        }
        if (isStreamFull(error)) {
          this.logger.error(
            { err: error, subject },
            'event store full: writes refused until its limit is raised',
          );
          throw new ApiError(
            'SERVICE_UNAVAILABLE',
            'The event store is full: changes are refused until an operator raises its size limit; reads still work',
            { reason: 'event_store_full' },
            { cause: error },
          );
        }
        if (error instanceof JetStreamApiError || this.isClosed() || attempt >= TRANSIENT_RETRIES)
          throw error;
        this.logger.warn({ err: error, subject, attempt }, 'event-store append failed, retrying');
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }
}

function isWrongSeqApiError(error: unknown): boolean {
  if (error instanceof JetStreamApiError) return error.code === WRONG_LAST_SEQUENCE;
  return error instanceof Error && /wrong last sequence/i.test(error.message);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
