// Local fixed-window counters used only while no ratelimit instance answers (on_unavailable:
// allow_local): each edge admits `share × limit` per window on its own, so the fleet-wide worst case
// during an outage is `edges × share × limit` per window.
import type { BucketSpec } from './policies.js';

interface Counter {
  start: number;
  window_ms: number;
  count: number;
}

export class FallbackCounters {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly clock: () => number) {}

  private counter(spec: BucketSpec, now: number): Counter {
    let c = this.counters.get(spec.key);
    if (!c || c.window_ms !== spec.window_ms || now >= c.start + c.window_ms) {
      c = { start: now, window_ms: spec.window_ms, count: 0 };
      this.counters.set(spec.key, c);
    }
    return c;
  }

  /** Remaining local tokens and ms until this counter's window ends. */
  state(spec: BucketSpec, share: number): { remaining: number; reset_ms: number } {
    const now = this.clock();
    const c = this.counter(spec, now);
    const limit = Math.max(1, Math.floor(spec.limit * share));
    return { remaining: Math.max(0, limit - c.count), reset_ms: c.start + c.window_ms - now };
  }

  take(spec: BucketSpec) {
    this.counter(spec, this.clock()).count++;
  }

  clear() {
    this.counters.clear();
  }

  get size() {
    return this.counters.size;
  }
}
