// Read-your-writes across instances: before answering, wait until the projection has applied
// everything the stream held when the request arrived. Concurrent callers share stream-info calls.
import { ApiError } from '@idp/contracts';
import type { Projection } from './projection.js';

/** The event store's last sequence, asked of JetStream now (libs/nats `streamLastSeq`). */
export type EventStoreLastSeq = () => Promise<number>;

export class ReadBarrier {
  private inFlight?: Promise<number>;
  private queued?: Promise<number>;

  constructor(
    private readonly eventStoreLastSeq: EventStoreLastSeq,
    private readonly projection: Projection,
    private readonly timeoutMs: number,
  ) {}

  /** Waits until the read model is at least as new as the event store was when this was called. */
  async wait(): Promise<void> {
    const lastSeq = await this.streamLastSeq();
    await this.projection.waitFor(lastSeq, this.timeoutMs);
  }

  /** The event store's last sequence, from a stream-info call that started after this call. */
  streamLastSeq(): Promise<number> {
    // A call already in flight may have been sent before our caller's own write landed, so joining it
    // would not be safe; callers that arrive meanwhile share the one call queued behind it.
    if (!this.inFlight) return this.startCall();
    if (!this.queued) {
      this.queued = this.inFlight
        .catch(() => 0)
        .then(() => {
          this.queued = undefined;
          return this.startCall();
        });
    }
    return this.queued;
  }

  private startCall(): Promise<number> {
    const call = this.fetchLastSeq().finally(() => {
      if (this.inFlight === call) this.inFlight = undefined;
    });
    this.inFlight = call;
    return call;
  }

  private async fetchLastSeq(): Promise<number> {
    try {
      return await this.eventStoreLastSeq();
    } catch (error) {
      throw new ApiError('SERVICE_UNAVAILABLE', 'The event store is not reachable', undefined, {
        cause: error,
      });
    }
  }
}
