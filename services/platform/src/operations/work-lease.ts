// One instance's hold on an operation's work item while it runs the operation. The hold is renewed on
// a timer of its own (and at once when NATS is back), not only between the run's steps: a step waiting
// out an outage (a publish timing out, a retry's back-off) must not let ack_wait expire, or JetStream
// hands the item out again and the operation would pay an attempt for NATS having been away.
import type { JsMsg } from '@nats-io/jetstream';

export class WorkLease {
  private timer?: NodeJS.Timeout;
  private settled = false;

  constructor(
    private msg: JsMsg,
    private readonly renewEveryMs: number,
    /** True once the instance is killed: a crash renews and settles nothing. */
    private readonly silenced: () => boolean,
  ) {}

  get deliveryCount(): number {
    return this.msg.info.deliveryCount;
  }

  start(): void {
    this.timer = setInterval(() => this.renew(), this.renewEveryMs);
    this.timer.unref();
  }

  /**
   * JetStream handed this item out again while the run here is alive (the renewals were lost while NATS
   * was away): keep running, and answer through the newest delivery from now on.
   */
  adopt(msg: JsMsg): void {
    this.msg = msg;
    this.renew();
  }

  renew(): void {
    if (this.settled || this.silenced()) return;
    try {
      this.msg.working();
    } catch {
      // disconnected: the timer or the reconnect tries again, and ack_wait covers the gap
    }
  }

  ack(): void {
    this.settle((m) => m.ack());
  }

  nak(delayMs: number): void {
    this.settle((m) => m.nak(delayMs));
  }

  term(reason: string): void {
    this.settle((m) => m.term(reason));
  }

  /** Stops renewing without answering: the item stays with JetStream (another runner took over, or a crash). */
  release(): void {
    this.settled = true;
    clearInterval(this.timer);
  }

  private settle(answer: (msg: JsMsg) => void): void {
    const answered = this.settled || this.silenced();
    this.release();
    if (answered) return;
    try {
      answer(this.msg);
    } catch {
      // connection gone: ack_wait hands the item to whichever runner pulls next
    }
  }
}
