// What a load balancer promises and nothing more: requests go round-robin to the backends whose
// readiness probe answered 200 at the last poll (every ~100 ms), so a test under load sees exactly what
// a client behind a real balancer would during a rolling restart.

export interface Backend {
  /** Where requests go, e.g. `http://127.0.0.1:8080` or `ws://127.0.0.1:8081/ws/v1`. */
  url: string;
  /** The readiness probe; read on every poll, so a replacement's new probe port is picked up. */
  readyUrl: () => string | undefined;
}

const POLL_MS = 100;

export class ReadinessBalancer {
  private readonly ready = new Map<string, boolean>();
  private next = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly backends: Backend[]) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A ready backend's URL, round-robin; waits (bounded) while none is ready. */
  async pick(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = this.backends.filter((b) => this.ready.get(b.url));
      if (ready.length > 0) return ready[this.next++ % ready.length]!.url;
      if (Date.now() > deadline) throw new Error(`no backend ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Another ready backend than `url` if there is one (a client told to reconnect elsewhere). */
  async pickOtherThan(url: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const others = this.backends.filter((b) => b.url !== url && this.ready.get(b.url));
      if (others.length > 0) return others[this.next++ % others.length]!.url;
      if (Date.now() > deadline) return this.pick(timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async poll(): Promise<void> {
    await Promise.all(
      this.backends.map(async (backend) => {
        const url = backend.readyUrl();
        this.ready.set(backend.url, url !== undefined && (await answers200(url)));
      }),
    );
  }
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}
