// Rate limiting through the edge's HTTP pipeline, against a real ratelimit process (spec §6.2).
import { waitFor } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RateLimitHarness, startRateLimitHarness, tokenFor } from './rate-limit-harness.js';

const limits = {
  global: { requests_per_minute: 1000 },
  per_user: { requests_per_minute: 3 },
  per_tenant: { requests_per_minute: 5 },
  by_endpoint: {
    'PUT /api/v1/applications/*/desired-state': { requests_per_hour: 2 },
    'POST /api/v1/teams': { requests_per_hour: 2 },
  },
  tiers: { pro: { per_user: { requests_per_minute: 6 }, per_tenant: { requests_per_minute: 50 } } },
  tenants: { acme: 'pro' },
  lease_size: 10,
};
let h: RateLimitHarness;

beforeAll(async () => {
  h = await startRateLimitHarness({ rateLimits: limits });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function statuses(n: number, send: () => ReturnType<RateLimitHarness['call']>) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send()).statusCode);
  return out;
}

describe('rate limits at the edge', () => {
  it('refuses past per_user with the spec §6.2 body, Retry-After and RateLimit headers', async () => {
    const token = await tokenFor('u1', 't1');
    const ok = await h.call(0, 'GET', '/api/v1/teams', token);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['ratelimit-policy']).toBe('"per_user";q=3;w=60');
    expect(ok.headers.ratelimit).toMatch(/^"per_user";r=2;t=(59|60)$/);
    await h.call(0, 'GET', '/api/v1/teams', token);
    await h.call(0, 'GET', '/api/v1/teams', token);
    const refused = await h.call(0, 'GET', '/api/v1/teams', token);
    expect(refused.statusCode).toBe(429);
    const retry = Number(refused.headers['retry-after']);
    expect(retry).toBeGreaterThanOrEqual(58);
    expect(retry).toBeLessThanOrEqual(60);
    expect(refused.headers.ratelimit).toBe(`"per_user";r=0;t=${retry}`);
    const body = refused.json();
    expect(body).toEqual({
      success: false,
      error: { code: 'RATE_LIMIT_EXCEEDED', message: `Rate limit exceeded. Try again in ${retry} seconds.` },
      meta: {
        request_id: refused.headers['x-request-id'],
        timestamp: expect.any(String),
        api_version: expect.any(String),
        retry_after: retry,
        limit: 3,
        remaining: 0,
        reset: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    });
    expect(Date.parse(body.meta.reset) - Date.now()).toBeGreaterThan((retry - 2) * 1000);
  });

  it('counts per_tenant across the users of a tenant', async () => {
    const [a, b] = await Promise.all([tokenFor('u2', 't2'), tokenFor('u3', 't2')]);
    const codes = [
      ...(await statuses(3, () => h.call(0, 'GET', '/api/v1/teams', a))),
      ...(await statuses(3, () => h.call(0, 'GET', '/api/v1/teams', b))),
    ];
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    const last = await h.call(0, 'GET', '/api/v1/teams', b);
    expect(last.headers['ratelimit-policy']).toBe('"per_tenant";q=5;w=60');
  });

  it('applies by_endpoint limits with * segments to every matching path, and only those', async () => {
    const token = await tokenFor('u4', 'acme');
    const put = (id: string) =>
      h.call(0, 'PUT', `/api/v1/applications/${id}/desired-state`, token, { version: '1.0.0', replicas: 1 });
    expect((await put('app_a')).statusCode).toBe(200);
    expect((await put('app_b')).statusCode).toBe(200);
    const refused = await put('app_c');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['ratelimit-policy']).toBe('"by_endpoint";q=2;w=3600');
    expect(refused.json().meta.limit).toBe(2);
    expect((await h.call(0, 'GET', '/api/v1/teams', token)).statusCode).toBe(200);
  });

  it('lets the tightest limit decide and uses the tier of the tenant', async () => {
    const token = await tokenFor('u5', 'acme'); // pro: per_user 6/min; POST /teams 2/hour
    const post = () => h.call(0, 'POST', '/api/v1/teams', token, { name: 'team-x' });
    expect(await statuses(3, post)).toEqual([200, 200, 429]);
    const codes = await statuses(6, () => h.call(0, 'GET', '/api/v1/teams', token));
    expect(codes).toEqual([200, 200, 200, 200, 429, 429]); // 6 per minute, 2 of them spent on POSTs
  });

  it('counts requests without a principal per client address, never toward global, with headers on 401 and 404', async () => {
    const unauthenticated = await h.call(0, 'GET', '/api/v1/teams');
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers['ratelimit-policy']).toBe('"unauthenticated";q=300;w=60');
    const missing = await h.call(0, 'GET', '/api/v1/no-such-thing');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers.ratelimit).toMatch(/^"unauthenticated";r=\d+;t=\d+$/);
    expect((await h.call(0, 'GET', '/healthz')).headers.ratelimit).toBeUndefined();
  });

  it('reloads a changed file without restart and keeps the last good config on a bad one', async () => {
    const token = await tokenFor('u6', 't6');
    await h.writeConfig({ ...limits, per_user: { requests_per_minute: 2 } });
    await waitFor(
      async () =>
        (await h.call(0, 'GET', '/api/v1/teams', token)).headers['ratelimit-policy'] ===
        '"per_user";q=2;w=60',
      {
        timeoutMs: 10_000,
      },
    );
    await h.writeRaw('rate_limits:\n  per_user:\n    requests_per_minute: nope\n');
    await h.ratelimit[0]!.waitForOutput(/keeping the last good config/, 10_000);
    const after = await h.call(0, 'GET', '/api/v1/teams', await tokenFor('u7', 't7'));
    // The status too: a failed call carries no policy header, and the status says why it failed.
    expect({
      status: after.statusCode,
      policy: after.headers['ratelimit-policy'],
      body: after.body,
    }).toMatchObject({
      status: 200,
      policy: '"per_user";q=2;w=60',
    });
  });
});
