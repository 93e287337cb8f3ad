// The edge's side of the lease protocol. Each counter a request must pass has a local lease: tokens
// granted by the shared counter that this edge may spend without asking. A request that finds a
// token in every lease costs no NATS hop; a lease at half its last grant is refilled in the
// background; only a cold or drained counter makes the request wait for one lease round trip, which
// fetches every missing counter at once. Leases die with their window, so no token outlives it.
import type { LeaseGrant } from '@idp/contracts';
import { FallbackCounters } from './fallback-counters.js';
import type { LeaseTransport } from './lease-client.js';
import type { BucketSpec, PolicyName } from './policies.js';

interface Lease {
  window: number;
  tokens: number;
  /** Fleet-wide tokens not yet leased to anyone, as of the newest grant. */
  remaining: number;
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
  /** The policy closest to its limit (or the one that refused): what the headers name. */
  headline: PolicyState;
}

export interface LimiterOptions {
  leaseSize: () => number;
  onUnavailable: () => 'allow_local' | 'deny';
  fallbackShare: () => number;
  clock?: () => number;
  /** After a failed lease request, how long to decide locally before asking again. */
  retryUnavailableMs?: number;
  events?: {
    leaseRequest?(kind: 'sync' | 'async', ok: boolean, error?: unknown): void;
    degraded?(mode: 'allow_local' | 'deny'): void;
  };
}

const MAX_LEASES = 100_000;
const SYNC_ROUNDS = 3;

export class Limiter {
  private readonly leases = new Map<string, Lease>();
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly fallback: FallbackCounters;
  private readonly clock: () => number;
  private unavailableUntil = 0;

  constructor(
    private readonly transport: LeaseTransport,
    private readonly options: LimiterOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.fallback = new FallbackCounters(this.clock);
  }

  async check(buckets: BucketSpec[]): Promise<Decision> {
    for (let round = 0; round < SYNC_ROUNDS; round++) {
      const now = this.clock();
      const exhausted = this.exhausted(buckets, now);
      if (exhausted) return this.refuse(exhausted, now);
      const missing = buckets.filter((b) => !this.hasToken(b, now));
      if (missing.length === 0) return this.admit(buckets, now);
      if (now < this.unavailableUntil) return this.degraded(buckets, now);
      if (!(await this.fetch(missing, 'sync'))) return this.degraded(buckets, this.clock());
    }
    // Other requests on this edge took every token we fetched: the counter is contended, refuse.
    const now = this.clock();
    return this.refuse(buckets.find((b) => !this.hasToken(b, now)) ?? buckets[0]!, now);
  }

  /** Live leases (for tests and the benchmark). */
  leaseOf(key: string): Readonly<Lease> | undefined {
    return this.leases.get(key);
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

  /** The counter that certainly refuses (nothing local, nothing left fleet-wide) with the latest reset. */
  private exhausted(buckets: BucketSpec[], now: number): BucketSpec | undefined {
    let worst: BucketSpec | undefined;
    for (const b of buckets) {
      const lease = this.live(b.key, now);
      if (!lease || lease.tokens > 0 || lease.remaining > 0) continue;
      if (!worst || lease.expiresAt > this.leases.get(worst.key)!.expiresAt) worst = b;
    }
    return worst;
  }

  private admit(buckets: BucketSpec[], now: number): Decision {
    const refill: BucketSpec[] = [];
    for (const b of buckets) {
      const lease = this.leases.get(b.key)!;
      lease.tokens--;
      if (lease.tokens <= lease.lastGrant / 2 && lease.remaining > 0 && !this.inflight.has(b.key))
        refill.push(b);
    }
    if (refill.length > 0 && now >= this.unavailableUntil) void this.fetch(refill, 'async');
    return { allowed: true, headline: this.closest(buckets, now) };
  }

  private refuse(b: BucketSpec, now: number): Decision {
    return { allowed: false, headline: this.state(b, now) };
  }

  /** No instance answers: spend leased tokens where we have them, local counters elsewhere. */
  private degraded(buckets: BucketSpec[], now: number): Decision {
    const mode = this.options.onUnavailable();
    this.options.events?.degraded?.(mode);
    const local = buckets.filter((b) => !this.hasToken(b, now));
    if (mode === 'deny') return { allowed: false, unavailable: true, headline: this.state(local[0]!, now) };
    const share = this.options.fallbackShare();
    const full = local.find((b) => this.fallback.state(b, share).remaining === 0);
    if (full) return { allowed: false, degraded: true, headline: this.fallbackState(full, share) };
    for (const b of buckets) {
      if (local.includes(b)) this.fallback.take(b);
      else this.leases.get(b.key)!.tokens--;
    }
    const states = buckets.map((b) =>
      local.includes(b) ? this.fallbackState(b, share) : this.state(b, now),
    );
    return { allowed: true, degraded: true, headline: pickClosest(states) };
  }

  private fetch(buckets: BucketSpec[], kind: 'sync' | 'async'): Promise<boolean> {
    const waits: Promise<boolean>[] = [];
    const fresh: BucketSpec[] = [];
    for (const b of buckets) {
      const pending = this.inflight.get(b.key);
      if (pending) waits.push(pending);
      else fresh.push(b);
    }
    if (fresh.length > 0) {
      const request = this.request(fresh, kind);
      for (const b of fresh) this.inflight.set(b.key, request);
      void request.finally(() => {
        for (const b of fresh) if (this.inflight.get(b.key) === request) this.inflight.delete(b.key);
      });
      waits.push(request);
    }
    return Promise.all(waits).then((results) => results.every(Boolean));
  }

  private async request(buckets: BucketSpec[], kind: 'sync' | 'async'): Promise<boolean> {
    // Expiry counts from before the request left: the window can only end later than we assume.
    const sentAt = this.clock();
    const leaseSize = this.options.leaseSize();
    let grants: LeaseGrant[];
    try {
      grants = await this.transport.lease(
        buckets.map((b) => ({
          key: b.key,
          limit: b.limit,
          window_ms: b.window_ms,
          want: Math.min(leaseSize, b.limit),
        })),
      );
    } catch (error) {
      this.unavailableUntil = this.clock() + (this.options.retryUnavailableMs ?? 1_000);
      this.options.events?.leaseRequest?.(kind, false, error);
      return false;
    }
    this.unavailableUntil = 0;
    if (this.fallback.size > 0) this.fallback.clear();
    this.options.events?.leaseRequest?.(kind, true);
    for (const grant of grants) this.apply(grant, sentAt);
    return true;
  }

  private apply(grant: LeaseGrant, sentAt: number) {
    const lease = this.leases.get(grant.key);
    if (lease && lease.window === grant.window) {
      lease.tokens += grant.granted;
      lease.remaining = Math.min(lease.remaining, grant.remaining);
      lease.lastGrant = grant.granted;
      return;
    }
    // A grant from an older window than the lease we hold arrived late: its tokens are void.
    if (lease && lease.window > grant.window && lease.expiresAt > this.clock()) return;
    if (this.leases.size >= MAX_LEASES) this.sweep();
    this.leases.set(grant.key, {
      window: grant.window,
      tokens: grant.granted,
      remaining: grant.remaining,
      expiresAt: sentAt + grant.reset_in_ms,
      lastGrant: grant.granted,
    });
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
