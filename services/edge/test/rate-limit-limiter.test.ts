// The edge's lease logic against an in-memory stand-in for the shared counters (same rules as the
// ratelimit service: fixed window from the first request, never more than what is left) and a test
// clock, so window edges and resets need no sleeping.
import type { LeaseBucketRequest, LeaseGrant } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import type { LeaseTransport } from '../src/rate-limit/lease-client.js';
import { Limiter, type LimiterOptions } from '../src/rate-limit/limiter.js';
import type { BucketSpec } from '../src/rate-limit/policies.js';

function sharedCounters(clock: () => number) {
  const counters = new Map<string, { start: number; count: number }>();
  let calls = 0;
  let down = false;
  const transport: LeaseTransport = {
    async lease(buckets: LeaseBucketRequest[]): Promise<LeaseGrant[]> {
      calls++;
      if (down) throw Object.assign(new Error('no responders'), { code: 'SERVICE_UNAVAILABLE' });
      const now = clock();
      return buckets.map((b) => {
        let c = counters.get(b.key);
        if (!c || now >= c.start + b.window_ms) {
          c = { start: now, count: 0 };
          counters.set(b.key, c);
        }
        const left = b.limit - c.count;
        const share = Math.max(1, Math.ceil(left / 4));
        const granted = Math.min(left, Math.max(Math.min(b.want, share), b.need ?? 0));
        c.count += granted;
        return {
          key: b.key,
          granted,
          window: c.start,
          remaining: left - granted,
          reset_in_ms: c.start + b.window_ms - now,
        };
      });
    },
  };
  return { transport, calls: () => calls, setDown: (v: boolean) => (down = v) };
}

function setup(options: { mode?: 'allow_local' | 'deny'; leaseSize?: number; maxFallback?: number } = {}) {
  let now = 0;
  const clock = () => now;
  const shared = sharedCounters(clock);
  const make = (events?: LimiterOptions['events']) =>
    new Limiter(shared.transport, {
      leaseSize: () => options.leaseSize ?? 10,
      onUnavailable: () => options.mode ?? 'allow_local',
      fallbackShare: () => 0.5,
      clock,
      maxFallbackCounters: options.maxFallback,
      events,
    });
  return { shared, make, advance: (ms: number) => (now += ms) };
}

const perUser: BucketSpec = { name: 'per_user', key: 'u.m.alice', limit: 10, window_ms: 60_000 };
const global: BucketSpec = { name: 'global', key: 'g.m.all', limit: 100, window_ms: 60_000 };

async function admitted(limiter: Limiter, buckets: BucketSpec[], n: number) {
  let ok = 0;
  for (let i = 0; i < n; i++) if ((await limiter.check(buckets)).allowed) ok++;
  return ok;
}

describe('Limiter', () => {
  it('admits exactly the limit per window, then refuses with the time to the reset', async () => {
    const { make, advance } = setup();
    const limiter = make();
    expect(await admitted(limiter, [perUser], 25)).toBe(10);
    advance(59_000);
    const refused = await limiter.check([perUser]);
    expect(refused).toMatchObject({
      allowed: false,
      headline: { name: 'per_user', remaining: 0, reset_s: 1 },
    });
  });

  it('resets at the window edge, not a millisecond before', async () => {
    const { make, advance } = setup();
    const limiter = make();
    await admitted(limiter, [perUser], 10);
    advance(59_999);
    expect((await limiter.check([perUser])).allowed).toBe(false);
    advance(1);
    expect(await admitted(limiter, [perUser], 12)).toBe(10);
  });

  it('holds across two edges sharing the counters (no over-admission)', async () => {
    const { make } = setup({ leaseSize: 4 });
    const [a, b] = [make(), make()];
    let ok = 0;
    for (let i = 0; i < 40; i++) if ((await (i % 2 ? a : b).check([perUser])).allowed) ok++;
    expect(ok).toBe(10);
  });

  it('lets the tightest limit decide and names the policy closest to its limit', async () => {
    const { make } = setup();
    const limiter = make();
    const first = await limiter.check([global, perUser]);
    expect(first.headline.name).toBe('per_user');
    expect(await admitted(limiter, [global, perUser], 20)).toBe(9);
    const refused = await limiter.check([global, perUser]);
    expect(refused).toMatchObject({ allowed: false, headline: { name: 'per_user', limit: 10 } });
  });

  it('costs no lease request per request in steady state', async () => {
    const { make, shared } = setup({ leaseSize: 50 });
    const limiter = make();
    const big: BucketSpec = { ...global, limit: 10_000 };
    for (let i = 0; i < 1_000; i++) await limiter.check([big]);
    // One sync lease to start, then a background refill per ~25 requests.
    expect(shared.calls()).toBeLessThanOrEqual(1_000 / 25 + 2);
    expect(shared.calls()).toBeGreaterThan(1);
  });

  it('falls back to a local share of each limit when the service is unreachable (allow_local)', async () => {
    const { make, shared } = setup();
    shared.setDown(true);
    const limiter = make();
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await limiter.check([perUser]));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.every((r) => r.degraded)).toBe(true);
  });

  it('refuses as unavailable under deny', async () => {
    const { make, shared } = setup({ mode: 'deny' });
    shared.setDown(true);
    expect(await make().check([perUser])).toMatchObject({ allowed: false, unavailable: true });
  });

  it('goes back to the shared counters when the service answers again', async () => {
    const { make, shared, advance } = setup();
    shared.setDown(true);
    const limiter = make();
    await limiter.check([perUser]);
    shared.setDown(false);
    advance(1_001);
    expect((await limiter.check([perUser])).degraded).toBeUndefined();
  });
});

describe('Limiter under concurrency (issue 9)', () => {
  const user15: BucketSpec = { ...perUser, key: 'u.m.burst', limit: 15 };

  it('admits exactly N of a cold concurrent burst and names the exhausted policy with r=0 (finding 7)', async () => {
    const { make } = setup({ leaseSize: 50 });
    const limiter = make();
    const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter.check([global, user15])));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(15);
    for (const refused of decisions.filter((d) => !d.allowed)) {
      expect(refused.headline).toMatchObject({ name: 'per_user', limit: 15, remaining: 0 });
    }
  });

  it('admits exactly N of cold bursts on two edges at once (finding 7)', async () => {
    const { make } = setup({ leaseSize: 50 });
    const [a, b] = [make(), make()];
    const decisions = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).check([global, user15])),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(15);
  });

  it('never refuses a limit that cannot be reached, across window roll-overs under load (finding 11)', async () => {
    // The finding's shape on a short time scale: 64 requests in flight at all times, three counters
    // that roll over at different moments (windows start at each counter's first request), lease
    // answers taking a few ms. Before: bursts of 429 (64 waiters, 50 tokens per lease, 3 rounds).
    const counters = new Map<string, { start: number; count: number }>();
    const transport: LeaseTransport = {
      async lease(buckets) {
        await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 5));
        const now = Date.now();
        return buckets.map((b) => {
          let c = counters.get(b.key);
          if (!c || now >= c.start + b.window_ms) {
            c = { start: now, count: 0 };
            counters.set(b.key, c);
          }
          const left = b.limit - c.count;
          const granted = Math.min(left, Math.max(Math.min(b.want, Math.ceil(left / 4)), b.need ?? 0));
          c.count += granted;
          return {
            key: b.key,
            granted,
            window: c.start,
            remaining: left - granted,
            reset_in_ms: c.start + b.window_ms - now,
          };
        });
      },
    };
    const limiter = new Limiter(transport, {
      leaseSize: () => 50,
      onUnavailable: () => 'deny',
      fallbackShare: () => 0.5,
    });
    const huge = 100_000_000;
    const buckets: BucketSpec[] = [
      { name: 'global', key: 'g', limit: huge, window_ms: 300 },
      { name: 'per_user', key: 'u', limit: huge, window_ms: 330 },
      { name: 'per_tenant', key: 't', limit: huge, window_ms: 370 },
    ];
    const end = Date.now() + 3_000;
    const outcome = { admitted: 0, refused: 0, unavailable: 0 };
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (Date.now() < end) {
          const d = await limiter.check(buckets);
          outcome[d.allowed ? 'admitted' : d.unavailable ? 'unavailable' : 'refused']++;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    expect(outcome.admitted).toBeGreaterThan(5_000);
    expect(outcome).toMatchObject({ refused: 0, unavailable: 0 });
  });

  it('decides one bucket the service could not serve locally, and only that one (finding 6)', async () => {
    let now = 0;
    const errors: string[] = [];
    const leased: string[][] = [];
    const transport: LeaseTransport = {
      async lease(buckets) {
        leased.push(buckets.map((b) => b.key));
        return buckets.map((b) =>
          b.key === 'u.m.bad'
            ? {
                key: b.key,
                granted: 0,
                window: 0,
                remaining: 0,
                reset_in_ms: 0,
                error: 'INVALID_BUCKET' as const,
              }
            : { key: b.key, granted: b.want, window: 0, remaining: 1_000, reset_in_ms: 60_000 },
        );
      },
    };
    const limiter = new Limiter(transport, {
      leaseSize: () => 10,
      onUnavailable: () => 'deny',
      fallbackShare: () => 0.5,
      clock: () => now,
      events: { bucketError: (key, error) => errors.push(`${key}:${error}`) },
    });
    const bad: BucketSpec = { ...perUser, key: 'u.m.bad' };
    const good: BucketSpec = { ...perUser, key: 'u.m.good' };
    expect(await limiter.check([global, bad])).toMatchObject({ allowed: false, unavailable: true });
    expect(errors).toEqual(['u.m.bad:INVALID_BUCKET']);
    // Not an outage: every other counter is leased and decided as usual, at once.
    expect(await limiter.check([global, good])).toMatchObject({ allowed: true });
    expect((await limiter.check([global, good])).degraded).toBeUndefined();
    now += 1_001;
    await limiter.check([global, bad]);
    expect(leased.filter((keys) => keys.includes('u.m.bad'))).toHaveLength(2);
  });

  it('bounds a wait for a lease that never comes: decided as unavailable, never a 429', async () => {
    const limiter = new Limiter(
      { lease: () => new Promise(() => undefined) },
      { leaseSize: () => 10, onUnavailable: () => 'deny', fallbackShare: () => 0.5, maxWaitMs: () => 50 },
    );
    const started = Date.now();
    expect(await limiter.check([perUser])).toMatchObject({ allowed: false, unavailable: true });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('keeps the fallback counters bounded during an outage (finding 12)', async () => {
    const { make, shared } = setup({ maxFallback: 100 });
    shared.setDown(true);
    let evicted = 0;
    const limiter = make({ fallbackEvicted: () => evicted++ });
    for (let i = 0; i < 1_000; i++) await limiter.check([{ ...perUser, key: `u.m.someone-${i}` }]);
    expect(limiter.fallbackCounters).toBe(100);
    expect(evicted).toBe(900);
  });
});
