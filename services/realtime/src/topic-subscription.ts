// One topic of one connection. Tracks the last seq sent, which makes delivery idempotent: a live event
// and its replayed twin are sent once. While a resume replays, live events are buffered here and
// flushed after the replay, keeping only those newer than the last replayed one.
import type { IndexedSubscription } from './subscription-index.js';

export interface FrameSink {
  send(frame: Buffer): void;
  /** Called when a resume's buffer grows past its bound: the connection closes and the client resumes. */
  overflow(reason: string): void;
}

export class TopicSubscription implements IndexedSubscription {
  private buffer: { seq: number; frame: Buffer }[] | undefined;
  closed = false;

  constructor(
    readonly topic: string,
    readonly subject: string,
    private readonly sink: FrameSink,
    /** The rule that allowed it, for logs. */
    readonly rule: string,
    private lastSent = 0,
    private readonly maxBuffered = 10_000,
  ) {}

  get lastSeq(): number {
    return this.lastSent;
  }

  get catchingUp(): boolean {
    return this.buffer !== undefined;
  }

  /** Start of a resume: everything at or below `since` is already with the client. */
  beginCatchUp(since: number): void {
    this.lastSent = since;
    this.buffer = [];
  }

  deliver(seq: number, frame: Buffer): void {
    if (this.closed) return;
    if (this.buffer) {
      if (this.buffer.length >= this.maxBuffered) {
        this.sink.overflow('resume buffer full');
        return;
      }
      this.buffer.push({ seq, frame });
      return;
    }
    this.sendIfNew(seq, frame);
  }

  /** A replayed event (from the temporary replay consumer). */
  replayed(seq: number, frame: Buffer): void {
    if (!this.closed) this.sendIfNew(seq, frame);
  }

  /** End of catch-up: flush buffered live events newer than what was replayed, in order, then go live. */
  goLive(): void {
    const buffered = this.buffer ?? [];
    this.buffer = undefined;
    for (const { seq, frame } of buffered) this.sendIfNew(seq, frame);
  }

  /** The resume was refused (`resumed:false`): what was buffered is live news, sent regardless of `since`. */
  abandonCatchUp(): void {
    this.lastSent = 0;
    this.goLive();
  }

  private sendIfNew(seq: number, frame: Buffer): void {
    if (seq <= this.lastSent) return;
    this.lastSent = seq;
    this.sink.send(frame);
  }
}
