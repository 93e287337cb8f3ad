// Resume: replays one topic's stored events after a sequence from JetStream, through a temporary
// ordered consumer filtered on the topic's subject. Bounded in count (decided before anything is sent,
// from the consumer's pending count), in time, and in concurrency per instance (slots, with a bounded
// wait); `resume.ts` keeps one such consumer per connection at a time.

import type { PublishedEvent } from '@idp/contracts';
import { PULL_EXPIRES_MS } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { type Consumer, DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { deliverTraced } from './delivery-tracing.js';
import { decodePublishedEvent } from './event-frame.js';
import type { RecentEvent } from './recent-events.js';

export interface PreparedReplay {
  subject: string;
  /** Events stored after `since` on this subject when the replay consumer was created. */
  pending: number;
  consumer: Consumer | undefined;
  /** Set when the instance's memory of the stream's tail covers the replay (memory-replay.ts). */
  recent?: RecentEvent[];
}

export type ReplayEvent = (seq: number, body: PublishedEvent, storedAt: string) => void;
export type ReplayOutcome = 'done' | 'timeout' | 'cancelled' | 'failed';

export class Replayer {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly js: JetStreamClient,
    private readonly streamName: string,
    private readonly logger: Logger,
    private readonly maxConcurrent: number,
  ) {}

  /** Replays running and waiting, for tests and /readyz. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /**
   * A replay slot, or undefined when none came free within `timeoutMs` (the instance is busy).
   * Waiters are served in order; release the slot when done.
   */
  async acquire(timeoutMs: number): Promise<(() => void) | undefined> {
    if (this.active < this.maxConcurrent) return this.grant();
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(this.grant());
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.push(waiter);
    });
  }

  private grant(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      if (this.active < this.maxConcurrent) this.waiting.shift()?.();
    };
  }

  /**
   * Creates the replay consumer. It is created after the subscription started buffering live events,
   * so every event stored before it exists is counted in `pending` and replayed, and every later one is
   * in the live buffer: the merge by seq then leaves no gap.
   */
  async prepare(subject: string, since: number): Promise<PreparedReplay> {
    const consumer = await this.js.consumers.get(this.streamName, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: since + 1,
    });
    const info = await consumer.info(true);
    if (info.num_pending === 0) {
      await this.discard({ subject, pending: 0, consumer });
      return { subject, pending: 0, consumer: undefined };
    }
    return { subject, pending: info.num_pending, consumer };
  }

  async discard(prepared: PreparedReplay): Promise<void> {
    await prepared.consumer?.delete().catch(() => undefined);
  }

  /** Streams exactly `pending` events to `onEvent`, in order; invalid bodies are skipped and logged. */
  async run(
    prepared: PreparedReplay,
    onEvent: ReplayEvent,
    options: { timeoutMs: number; cancelled: () => boolean; drain: () => Promise<void> },
  ): Promise<ReplayOutcome> {
    const { consumer, pending, subject } = prepared;
    if (!consumer || pending === 0) return 'done';
    const messages = await consumer.consume({
      max_messages: Math.min(pending, 1_000),
      expires: PULL_EXPIRES_MS,
    });
    let outcome: ReplayOutcome = 'done';
    const timer = setTimeout(() => {
      outcome = 'timeout';
      void messages.close();
    }, options.timeoutMs);
    let seen = 0;
    try {
      for await (const msg of messages) {
        if (options.cancelled()) {
          outcome = 'cancelled';
          break;
        }
        const body = decodePublishedEvent(msg.data);
        if (body)
          deliverTraced(msg, { path: 'replay', event: body.event, subscribers: 1 }, () =>
            onEvent(msg.seq, body, msg.timestamp),
          );
        else
          this.logger.warn({ subject, seq: msg.seq }, 'skipped a stored event that is not a PublishedEvent');
        if (++seen >= pending) break;
        // Backpressure: a long replay waits for the socket rather than overflowing the send buffer.
        await options.drain();
      }
      if (seen < pending && outcome === 'done') outcome = 'failed';
    } catch (error) {
      this.logger.warn({ err: error, subject }, 'replay failed');
      outcome = 'failed';
    } finally {
      clearTimeout(timer);
      await messages.close().catch(() => undefined);
      await this.discard(prepared);
    }
    return outcome;
  }
}
