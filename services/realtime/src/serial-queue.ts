// Runs a connection's inbound messages one at a time, in order (a subscribe and the unsubscribe after
// it can never swap), with a bound on how many may wait: a client cannot pile up work behind a slow
// one (a resume, a platform check) without being told no.
type Task = () => Promise<void> | void;

export class SerialQueue {
  private readonly waiting: Task[] = [];
  /** The drain loop is scheduled or running. */
  private running = false;
  /** A task has started and not finished (else `waiting[0]` is the next to start). */
  private inTask = false;
  private idle: (() => void)[] = [];

  constructor(
    /** Tasks that may wait behind the running one. */
    private readonly limit: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Tasks waiting behind the one running or about to run. */
  get size(): number {
    return this.inTask ? this.waiting.length : Math.max(0, this.waiting.length - 1);
  }

  /** False, and the task is not queued, when `limit` tasks are already waiting. */
  push(task: Task): boolean {
    if (this.waiting.length > 0 && this.size >= this.limit) return false;
    this.waiting.push(task);
    if (!this.running) {
      this.running = true;
      queueMicrotask(() => void this.drain());
    }
    return true;
  }

  /** Drops what has not started (the connection closed). */
  clear(): void {
    this.waiting.length = 0;
  }

  /** Resolves when every task pushed so far has run. */
  settled(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async drain(): Promise<void> {
    for (let task = this.waiting.shift(); task; task = this.waiting.shift()) {
      this.inTask = true;
      try {
        await task();
      } catch (error) {
        this.onError(error);
      }
      this.inTask = false;
    }
    this.running = false;
    const waiters = this.idle;
    this.idle = [];
    for (const resolve of waiters) resolve();
  }
}
