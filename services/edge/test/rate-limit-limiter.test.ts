// The edge's lease logic against an in-memory stand-in for the shared counters (same rules as the
// ratelimit service: fixed window from the first request, never more than what is left) and a test
// clock, so window edges and resets need no sleeping.
import type { LeaseBucketRequest, LeaseGrant } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import type { LeaseTransport } from '../src/rate-limit/lease-client.js';
import { Limiter } from '../src/rate-limit/limiter.js';
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
        const granted = Math.min(b.want, left, Math.max(1, Math.ceil(left / 4)));
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

function setup(options: { mode?: 'allow_local' | 'deny'; leaseSize?: number } = {}) {
  let now = 0;
  const clock = () => now;
  const shared = sharedCounters(clock);
  const make = () =>
    new Limiter(shared.transport, {
      leaseSize: () => options.leaseSize ?? 10,
      onUnavailable: () => options.mode ?? 'allow_local',
      fallbackShare: () => 0.5,
      clock,
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
