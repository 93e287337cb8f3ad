// The instance's memory of the events stream's tail: every event the live feed dispatched, newest
// last, bounded in bytes. The live feed is an ordered consumer (no gap, no repeat), so the window
// holds every stored event with a seq in (floor, last]: a client whose `since` is at or above `floor`
// can be given what it missed from here, with no JetStream consumer and no round trip. Anything older
// is replayed from the stream (replay.ts). Most reconnects are short blips, and a mass reconnect after
// an instance stopped lands on instances whose windows cover it.
import type { MsgHdrs } from '@nats-io/transport-node';

export interface RecentEvent {
  seq: number;
  subject: string;
  /** The stored message's bytes (a copy: the client's read buffer is not kept alive). */
  data: Uint8Array;
  /** The stream's timestamp. */
  storedAt: string;
  /** The publisher's trace context travels in the headers (delivery-tracing.ts). */
  headers?: MsgHdrs;
}

/** What an entry costs beyond its bytes: the object, its subject string and the array slots. */
const ENTRY_OVERHEAD_BYTES = 160;

/** A first-in first-out list whose removals from the front cost nothing until it is compacted. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    // Compact once the dead front is large and at least half: amortised O(1) per removal.
    if (this.head > 1_024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Items from position `from` (0 is the oldest) to the newest. */
  slice(from: number): T[] {
    return this.items.slice(this.head + from);
  }

  /** The first position whose item is not `before`, by binary search over an ascending list. */
  firstNotBefore(before: (item: T) => boolean): number {
    let low = this.head;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(this.items[mid]!)) low = mid + 1;
      else high = mid;
    }
    return low - this.head;
  }
}

export class RecentEvents {
  private order = new Fifo<RecentEvent>();
  private readonly bySubject = new Map<string, Fifo<RecentEvent>>();
  private epoch: string | undefined;
  /** Every event with a seq above this one (up to `last`) is held. */
  private floor = 0;
  private last = 0;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Forgets everything: the live feed (re)starts at `floor + 1` of the stream life `epoch`. */
  reset(epoch: string, floor: number): void {
    this.order = new Fifo();
    this.bySubject.clear();
    this.epoch = epoch;
    this.floor = floor;
    this.last = floor;
    this.bytes = 0;
  }

  /** The live feed's next event, in stream order. A seq that does not follow `last` is ignored. */
  append(event: RecentEvent): void {
    if (this.epoch === undefined || event.seq <= this.last) return;
    this.last = event.seq;
    if (this.maxBytes === 0) {
      this.floor = event.seq;
      return;
    }
    this.order.push(event);
    let list = this.bySubject.get(event.subject);
    if (!list) {
      list = new Fifo();
      this.bySubject.set(event.subject, list);
    }
    list.push(event);
    this.bytes += costOf(event);
    while (this.bytes > this.maxBytes) this.evictOldest();
  }

  /** Whether a client that saw everything up to `since` in `epoch` can be served from here. */
  covers(epoch: string, since: number): boolean {
    return this.epoch === epoch && since >= this.floor && since <= this.last;
  }

  /** The held events of `subject` after `since`, oldest first. */
  after(subject: string, since: number): RecentEvent[] {
    const list = this.bySubject.get(subject);
    if (!list) return [];
    return list.slice(list.firstNotBefore((e) => e.seq <= since));
  }

  /** For /metrics and tests. */
  get stats(): { events: number; bytes: number; floor: number; last: number } {
    return { events: this.order.size, bytes: this.bytes, floor: this.floor, last: this.last };
  }

  private evictOldest(): void {
    const oldest = this.order.shift();
    if (!oldest) return;
    const list = this.bySubject.get(oldest.subject);
    list?.shift();
    if (list?.size === 0) this.bySubject.delete(oldest.subject);
    this.bytes -= costOf(oldest);
    this.floor = oldest.seq;
  }
}

const costOf = (event: RecentEvent) => event.data.length + event.subject.length + ENTRY_OVERHEAD_BYTES;
