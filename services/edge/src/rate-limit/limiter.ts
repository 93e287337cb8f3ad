// The edge's side of the lease protocol. Each counter a request must pass has a local lease: tokens
// granted by the shared counter that this edge may spend without asking. A request that finds a
// token in every lease costs no NATS hop; a lease at half its last grant is refilled in the
// background. A request that finds a lease empty waits in a FIFO queue; the edge asks for what the
// queue needs (all missing counters in one round trip) and serves the queue in order as grants land.
// A request is refused only when a counter it needs is exhausted fleet-wide — never because other
// requests were quicker to the tokens — and a wait is bounded: past it, the request is decided as
// during an outage (`on_unavailable`). Leases die with their window, so no token outlives it.
import type { LeaseGrant } from '@idp/contracts';
import { FallbackCounters } from './fallback-counters.js';
import type { LeaseTransport } from './lease-client.js';
import type { BucketSpec, PolicyName } from './policies.js';

interface Lease {
  window: number;
  tokens: number;
  /** Fleet-wide tokens not yet leased to anyone, as of the newest grant. */
  remaining: number;
  /** The limit the grants were made under: a raised limit is worth asking again. */
  limit: number;
  expiresAt: number;
  lastGrant: number;
}

export interface PolicyState {
  name: PolicyName;
  limit: number;
  window_s: number;
  remaining: number;
  reset_s: number;
}

export interface Decision {
  allowed: boolean;
  /** Set when the request was refused because no ratelimit instance answered (mode `deny`). */
  unavailable?: boolean;
  /** True when the decision used the local fallback counters. */
  degraded?: boolean;
  /** The policy closest to its limit (or the one that refused, with `remaining` 0): what the headers name. */
  headline: PolicyState;
}

export interface LimiterOptions {
  leaseSize: () => number;
  onUnavailable: () => 'allow_local' | 'deny';
  fallbackShare: () => number;
  /** Longest a request waits for a lease before it is decided as if the service were unreachable. */
  maxWaitMs?: () => number;
  clock?: () => number;
  /** After a failed lease request, how long to decide locally before asking again. */
  retryUnavailableMs?: number;
  /** Bound of the local fallback counters (least recently used dropped first). */
  maxFallbackCounters?: number;
  events?: {
    leaseRequest?(kind: 'sync' | 'async', ok: boolean, error?: unknown): void;
    /** The service could not serve one bucket of a batch; that counter is decided locally for a moment. */
    bucketError?(key: string, error: string): void;
    degraded?(mode: 'allow_local' | 'deny'): void;
    fallbackEvicted?(): void;
  };
}

interface Waiter {
  buckets: BucketSpec[];
  deadline: number;
  resolve(decision: Decision): void;
}

interface Ask {
  bucket: BucketSpec;
  need: number;
}

const MAX_LEASES = 100_000;
/** Requests waiting for leases at once; more are decided at once, as during an outage. */
const MAX_WAITERS = 10_000;
/** As the contract's LeaseRequest. */
const MAX_BUCKETS_PER_REQUEST = 32;
const MAX_NEED = 10_000;
/** How long a bucket the service could not serve is decided locally before it is asked again. */
const BUCKET_ERROR_MS = 1_000;

export class Limiter {
  private readonly leases = new Map<string, Lease>();
  private readonly inflight = new Set<string>();
  private readonly brokenUntil = new Map<string, number>();
  private readonly fallback: FallbackCounters;
  private readonly clock: () => number;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private unavailableUntil = 0;

  constructor(
    private readonly transport: LeaseTransport,
    private readonly options: LimiterOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.fallback = new FallbackCounters(this.clock, options.maxFallbackCounters, () =>
      options.events?.fallbackEvicted?.(),
    );
  }

  check(buckets: BucketSpec[]): Promise<Decision> {
    const now = this.clock();
    const decided = this.decide(buckets, now, false);
    if (decided) return Promise.resolve(decided);
    if (this.waiters.length >= MAX_WAITERS) return Promise.resolve(this.decide(buckets, now, true)!);
    return new Promise((resolve) => {
      this.waiters.push({ buckets, deadline: now + (this.options.maxWaitMs?.() ?? 1_000), resolve });
      this.askForWaiters(now);
      this.armTimer();
    });
  }

  /** Live leases (for tests and the benchmark). */
  leaseOf(key: string): Readonly<Lease> | undefined {
    return this.leases.get(key);
  }

  get fallbackCounters() {
    return this.fallback.size;
  }

  get waiting() {
    return this.waiters.length;
  }

  /** Decides every waiting request as during an outage (shutdown). */
  close() {
    clearTimeout(this.timer);
    const now = this.clock();
    for (const w of this.waiters.splice(0)) w.resolve(this.decide(w.buckets, now, true)!);
  }

  /** A decision that needs no round trip, or undefined when the request must wait for a lease. */
  private decide(buckets: BucketSpec[], now: number, timedOut: boolean): Decision | undefined {
    const exhausted = this.exhausted(buckets, now);
    if (exhausted) return this.refuse(exhausted, now);
    const missing = buckets.filter((b) => !this.hasToken(b, now));
    if (missing.length === 0) return this.admit(buckets, now);
    if (timedOut || missing.every((b) => this.isLocal(b, now))) return this.degraded(buckets, now, missing);
    return undefined;
  }

  private live(key: string, now: number): Lease | undefined {
    const lease = this.leases.get(key);
    if (lease && lease.expiresAt <= now) {
      this.leases.delete(key);
      return undefined;
    }
    return lease;
  }

  private hasToken(b: BucketSpec, now: number) {
    return (this.live(b.key, now)?.tokens ?? 0) > 0;
  }

  /** Decided locally for now: no instance answers, or the service could not serve this bucket. */
  private isLocal(b: BucketSpec, now: number) {
    return now < this.unavailableUntil || (this.brokenUntil.get(b.key) ?? 0) > now;
  }

  /** The counter that certainly refuses (nothing local, nothing left fleet-wide) with the latest reset. */
  private exhausted(buckets: BucketSpec[], now: number): BucketSpec | undefined {
    let worst: BucketSpec | undefined;
    for (const b of buckets) {
      const lease = this.live(b.key, now);
      if (!lease || lease.tokens > 0 || lease.remaining > 0 || b.limit > lease.limit) continue;
      if (!worst || lease.expiresAt > this.leases.get(worst.key)!.expiresAt) worst = b;
    }
    return worst;
  }

  private admit(buckets: BucketSpec[], now: number): Decision {
    const refill: Ask[] = [];
    for (const b of buckets) {
      const lease = this.leases.get(b.key)!;
      lease.tokens--;
      if (lease.tokens <= lease.lastGrant / 2 && lease.remaining > 0 && !this.inflight.has(b.key))
        refill.push({ bucket: b, need: 0 });
    }
    if (refill.length > 0 && now >= this.unavailableUntil) this.fetch(refill, 'async');
    return { allowed: true, headline: this.closest(buckets, now) };
  }

  private refuse(b: BucketSpec, now: number): Decision {
    return { allowed: false, headline: { ...this.state(b, now), remaining: 0 } };
  }

  /** No lease to be had for `local`: spend leased tokens where we have them, local counters there. */
  private degraded(buckets: BucketSpec[], now: number, local: BucketSpec[]): Decision {
    const mode = this.options.onUnavailable();
    this.options.events?.degraded?.(mode);
    if (mode === 'deny') return { allowed: false, unavailable: true, headline: this.state(local[0]!, now) };
    const share = this.options.fallbackShare();
    const full = local.find((b) => this.fallback.state(b, share).remaining === 0);
    if (full) {
      return {
        allowed: false,
        degraded: true,
        headline: { ...this.fallbackState(full, share), remaining: 0 },
      };
    }
    for (const b of buckets) {
      if (local.includes(b)) this.fallback.take(b);
      else this.leases.get(b.key)!.tokens--;
    }
    const states = buckets.map((b) =>
      local.includes(b) ? this.fallbackState(b, share) : this.state(b, now),
    );
    return { allowed: true, degraded: true, headline: pickClosest(states) };
  }

  /** Serves waiting requests in order with what the leases now hold, then asks for what is missing. */
  private pump() {
    const now = this.clock();
    const pending: Waiter[] = [];
    for (const w of this.waiters) {
      const decision = this.decide(w.buckets, now, now >= w.deadline);
      if (decision) w.resolve(decision);
      else pending.push(w);
    }
    this.waiters = pending;
    this.askForWaiters(now);
    this.armTimer();
  }

  /**
   * One lease request for every counter the queue lacks and nobody is fetching yet, with `need` =
   * the waiting requests beyond the tokens in hand: the service grants at least that many (while
   * they last), so a queue longer than a lease is served in one round trip, not starved.
   */
  private askForWaiters(now: number) {
    const asks = new Map<string, Ask>();
    for (const w of this.waiters) {
      for (const b of w.buckets) {
        if (this.inflight.has(b.key) || this.isLocal(b, now)) continue;
        const ask = asks.get(b.key);
        if (ask) ask.need++;
        else asks.set(b.key, { bucket: b, need: 1 - (this.live(b.key, now)?.tokens ?? 0) });
      }
    }
    const wanted = [...asks.values()].filter((a) => a.need > 0);
    if (wanted.length > 0) this.fetch(wanted, 'sync');
  }

  private fetch(asks: Ask[], kind: 'sync' | 'async') {
    for (let i = 0; i < asks.length; i += MAX_BUCKETS_PER_REQUEST) {
      const batch = asks.slice(i, i + MAX_BUCKETS_PER_REQUEST);
      for (const a of batch) this.inflight.add(a.bucket.key);
      void this.request(batch, kind)
        .catch((error) => this.options.events?.leaseRequest?.(kind, false, error))
        .finally(() => {
          for (const a of batch) this.inflight.delete(a.bucket.key);
          this.pump();
        });
    }
  }

  private async request(asks: Ask[], kind: 'sync' | 'async'): Promise<void> {
    // Expiry counts from before the request left: the window can only end later than we assume.
    const sentAt = this.clock();
    const leaseSize = this.options.leaseSize();
    let grants: LeaseGrant[];
    try {
      grants = await this.transport.lease(
        asks.map(({ bucket: b, need }) => ({
          key: b.key,
          limit: b.limit,
          window_ms: b.window_ms,
          want: Math.min(leaseSize, b.limit),
          ...(need > 0 ? { need: Math.min(need, MAX_NEED) } : {}),
        })),
      );
    } catch (error) {
      this.unavailableUntil = this.clock() + (this.options.retryUnavailableMs ?? 1_000);
      this.options.events?.leaseRequest?.(kind, false, error);
      return;
    }
    this.unavailableUntil = 0;
    this.options.events?.leaseRequest?.(kind, true);
    for (const [i, a] of asks.entries()) this.apply(a.bucket, grants[i], sentAt);
  }

  private apply(b: BucketSpec, grant: LeaseGrant | undefined, sentAt: number) {
    const now = this.clock();
    const unusable =
      !grant ||
      grant.key !== b.key ||
      grant.error !== undefined ||
      (grant.granted === 0 && grant.remaining > 0);
    if (unusable) {
      // That counter's problem only: decided locally for a moment, every other counter leased as usual.
      if (this.brokenUntil.size >= MAX_LEASES) this.brokenUntil.clear();
      this.brokenUntil.set(b.key, now + BUCKET_ERROR_MS);
      this.options.events?.bucketError?.(b.key, grant?.error ?? 'NO_GRANT');
      return;
    }
    this.brokenUntil.delete(b.key);
    this.fallback.drop(b.key);
    const lease = this.leases.get(b.key);
    if (lease && lease.window === grant.window) {
      lease.tokens += grant.granted;
      lease.remaining = Math.min(lease.remaining, grant.remaining);
      lease.limit = b.limit;
      lease.lastGrant = grant.granted;
      return;
    }
    // A grant from an older window than the lease we hold arrived late: its tokens are void.
    if (lease && lease.window > grant.window && lease.expiresAt > now) return;
    if (this.leases.size >= MAX_LEASES) this.sweep();
    this.leases.set(b.key, {
      window: grant.window,
      tokens: grant.granted,
      remaining: grant.remaining,
      limit: b.limit,
      expiresAt: sentAt + grant.reset_in_ms,
      lastGrant: grant.granted,
    });
  }

  /** Wakes the queue when its oldest request reaches its deadline (timers run on the real clock). */
  private armTimer() {
    if (this.timer || this.waiters.length === 0) return;
    const wait = Math.max(1, this.waiters[0]!.deadline - this.clock());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, wait);
    this.timer.unref?.();
  }

  private sweep() {
    const now = this.clock();
    for (const [key, lease] of this.leases) if (lease.expiresAt <= now) this.leases.delete(key);
    while (this.leases.size >= MAX_LEASES) this.leases.delete(this.leases.keys().next().value!);
  }

  private state(b: BucketSpec, now: number): PolicyState {
    const lease = this.live(b.key, now);
    return {
      name: b.name,
      limit: b.limit,
      window_s: Math.round(b.window_ms / 1000),
      remaining: lease ? lease.remaining + lease.tokens : b.limit,
      reset_s: Math.ceil((lease ? lease.expiresAt - now : b.window_ms) / 1000),
    };
  }

  private fallbackState(b: BucketSpec, share: number): PolicyState {
    const local = this.fallback.state(b, share);
    return {
      name: b.name,
      limit: b.limit,
      window_s: Math.round(b.window_ms / 1000),
      remaining: local.remaining,
      reset_s: Math.ceil(local.reset_ms / 1000),
    };
  }

  private closest(buckets: BucketSpec[], now: number): PolicyState {
    return pickClosest(buckets.map((b) => this.state(b, now)));
  }
}

/** Fewest requests left wins; on a tie, the one that resets last. */
function pickClosest(states: PolicyState[]): PolicyState {
  return states.reduce((best, s) =>
    s.remaining < best.remaining || (s.remaining === best.remaining && s.reset_s > best.reset_s) ? s : best,
  );
}
