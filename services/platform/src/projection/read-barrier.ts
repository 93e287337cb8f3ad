// Read-your-writes across instances: before answering, wait until the projection has applied
// everything the stream held when the request arrived. Concurrent callers share stream-info calls.
import { ApiError, Streams } from '@idp/contracts';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Projection } from './projection.js';

export class ReadBarrier {
  private inFlight?: Promise<number>;
  private queued?: Promise<number>;

  constructor(
    private readonly jsm: JetStreamManager,
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
      const info = await this.jsm.streams.info(Streams.eventStore.name);
      return info.state.last_seq;
    } catch (error) {
      throw new ApiError('SERVICE_UNAVAILABLE', 'The event store is not reachable', undefined, {
        cause: error,
      });
    }
  }
}
