// The in-process fan-out index: NATS subject → the subscriptions (of any connection) that want it.
// The one live JetStream consumer looks a message's subject up here; nothing else is per connection.
export interface IndexedSubscription {
  readonly topic: string;
  readonly subject: string;
  /** A live event; the subscription decides whether to send, buffer (while resuming) or drop it. */
  deliver(seq: number, frame: Buffer): void;
}

export class SubscriptionIndex {
  private readonly bySubject = new Map<string, Set<IndexedSubscription>>();

  add(sub: IndexedSubscription): void {
    let set = this.bySubject.get(sub.subject);
    if (!set) {
      set = new Set();
      this.bySubject.set(sub.subject, set);
    }
    set.add(sub);
  }

  remove(sub: IndexedSubscription): void {
    const set = this.bySubject.get(sub.subject);
    if (!set) return;
    set.delete(sub);
    if (set.size === 0) this.bySubject.delete(sub.subject);
  }

  get(subject: string): ReadonlySet<IndexedSubscription> | undefined {
    return this.bySubject.get(subject);
  }

  get subjects(): number {
    return this.bySubject.size;
  }
}
