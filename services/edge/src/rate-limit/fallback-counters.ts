// Local fixed-window counters used only while a counter cannot be leased (on_unavailable:
// allow_local): each edge admits `share × limit` per window on its own, so the fleet-wide worst case
// during an outage is `edges × share × limit` per window. Bounded: at most `maxCounters`, the least
// recently used dropped first (an outage with many identities must not grow the edge without end).
import type { BucketSpec } from './policies.js';

interface Counter {
  start: number;
  window_ms: number;
  count: number;
}

export const MAX_FALLBACK_COUNTERS = 20_000;

export class FallbackCounters {
  private readonly counters = new Map<string, Counter>();
  evicted = 0;

  constructor(
    private readonly clock: () => number,
    private readonly maxCounters = MAX_FALLBACK_COUNTERS,
    private readonly onEvict?: () => void,
  ) {}

  private counter(spec: BucketSpec, now: number): Counter {
    let c = this.counters.get(spec.key);
    if (c) this.counters.delete(spec.key); // re-inserted below: Map order is the LRU order
    if (!c || c.window_ms !== spec.window_ms || now >= c.start + c.window_ms) {
      c = { start: now, window_ms: spec.window_ms, count: 0 };
    }
    this.counters.set(spec.key, c);
    while (this.counters.size > this.maxCounters) {
      this.counters.delete(this.counters.keys().next().value!);
      this.evicted++;
      this.onEvict?.();
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

  /** Forgets one counter (it can be leased again). */
  drop(key: string) {
    this.counters.delete(key);
  }

  clear() {
    this.counters.clear();
  }

  get size() {
    return this.counters.size;
  }
}
