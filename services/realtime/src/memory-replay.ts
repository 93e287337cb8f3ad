// Resume from memory first: when the instance's window of the stream's tail (recent-events.ts) holds
// everything a client missed, the replay is read from there, with no JetStream consumer and no round
// trip; otherwise from the stream, as before (replay.ts). Either way the same bounds hold: a replay
// slot, the count decided before anything is sent, the timeout, and backpressure from the socket.
import type { ReplaySource } from './context.js';
import { deliverTraced } from './delivery-tracing.js';
import { decodePublishedEvent } from './event-frame.js';
import type { RecentEvents } from './recent-events.js';
import type { PreparedReplay, ReplayEvent, Replayer, ReplayOutcome } from './replay.js';

export interface MemoryFirstOptions {
  recent: RecentEvents;
  /** The stream life resumes are decided in: the epoch of the last look at the stream. */
  currentEpoch: () => string | undefined;
  /** Counts each replay by where it was read from. */
  onSource?: (source: 'memory' | 'stream') => void;
  logger: { warn(details: object, message: string): void };
}

export class MemoryFirstReplayer implements ReplaySource {
  constructor(
    private readonly stream: Replayer,
    private readonly options: MemoryFirstOptions,
  ) {}

  acquire(timeoutMs: number): Promise<(() => void) | undefined> {
    return this.stream.acquire(timeoutMs);
  }

  async prepare(subject: string, since: number): Promise<PreparedReplay> {
    const epoch = this.options.currentEpoch();
    if (epoch !== undefined && this.options.recent.covers(epoch, since)) {
      const recent = this.options.recent.after(subject, since);
      return { subject, pending: recent.length, consumer: undefined, recent };
    }
    return this.stream.prepare(subject, since);
  }

  discard(prepared: PreparedReplay): Promise<void> {
    return prepared.recent ? Promise.resolve() : this.stream.discard(prepared);
  }

  run(
    prepared: PreparedReplay,
    onEvent: ReplayEvent,
    options: { timeoutMs: number; cancelled: () => boolean; drain: () => Promise<void> },
  ): Promise<ReplayOutcome> {
    if (!prepared.recent) {
      if (prepared.pending > 0) this.options.onSource?.('stream');
      return this.stream.run(prepared, onEvent, options);
    }
    if (prepared.recent.length > 0) this.options.onSource?.('memory');
    return this.fromMemory(prepared.recent, onEvent, options);
  }

  private async fromMemory(
    events: NonNullable<PreparedReplay['recent']>,
    onEvent: ReplayEvent,
    options: { timeoutMs: number; cancelled: () => boolean; drain: () => Promise<void> },
  ): Promise<ReplayOutcome> {
    const deadline = Date.now() + options.timeoutMs;
    for (const event of events) {
      if (options.cancelled()) return 'cancelled';
      if (Date.now() > deadline) return 'timeout';
      const body = decodePublishedEvent(event.data);
      if (body)
        deliverTraced(event, { path: 'replay', event: body.event, subscribers: 1 }, () =>
          onEvent(event.seq, body, event.storedAt),
        );
      else
        this.options.logger.warn(
          { subject: event.subject, seq: event.seq },
          'skipped a stored event that is not a PublishedEvent',
        );
      await options.drain();
    }
    return 'done';
  }
}
