// A bounded async-iterator queue: what `client.events(topic)` returns. When it is full the realtime
// client pauses the topic (and later resumes it from the last queued seq), so a slow consumer of the
// iterator never loses events and never grows memory without bound.
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private readonly waiters: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }[] = [];
  private done = false;
  private failure: unknown;

  constructor(
    readonly capacity: number,
    private readonly hooks: { onDrained(): void; onReturn(): void },
  ) {}

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  get size(): number {
    return this.items.length;
  }

  /** False when full (the item is not taken). */
  push(item: T): boolean {
    if (this.done) return true;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ value: item, done: false });
      return true;
    }
    if (this.full) return false;
    this.items.push(item);
    return true;
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.failure = error;
    this.done = true;
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      if (this.items.length <= this.capacity / 2) this.hooks.onDrained();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Closing the iterator (`break` in for-await) unsubscribes. */
  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.items.length = 0;
      for (const w of this.waiters.splice(0)) w.resolve({ value: undefined, done: true });
      this.hooks.onReturn();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
