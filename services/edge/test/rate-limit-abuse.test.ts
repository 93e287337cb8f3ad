// Issue 9, findings 4-7, through the edge's HTTP pipeline against real auth and ratelimit processes:
// each test replays the attack as reported and fails on the code that landed before the fix.
import { RpcSubjects } from '@idp/contracts';
import { mintToken } from '@idp/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RateLimitHarness, startRateLimitHarness, tokenFor } from './rate-limit-harness.js';

const limits = {
  global: { requests_per_minute: 400 },
  per_user: { requests_per_minute: 15 },
  unauthenticated: { requests_per_minute: 50 },
  by_endpoint: { 'POST /api/v1/applications': { requests_per_hour: 3 } },
  // Fail closed: a counter wrongly treated as an outage shows as a 503, never as an admission.
  on_unavailable: 'deny',
};
let h: RateLimitHarness;
let observer: NatsConnection;
let authRequests = 0;

beforeAll(async () => {
  h = await startRateLimitHarness({ rateLimits: limits, edges: 2 });
  observer = await connect(h.server.clientOptions('test'));
  observer.subscribe(RpcSubjects.authenticate, {
    callback: () => {
      authRequests++;
    },
  });
  await observer.flush();
}, 60_000);
afterAll(async () => {
  await observer?.close();
  await h?.close();
});

const count = (responses: LightMyRequestResponse[]) => {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1;
  return out;
};

describe('endpoint limits follow the matched route (finding 4)', () => {
  it('counts a percent-encoded path toward the same endpoint limit', async () => {
    const token = await tokenFor('enc-user', 'enc');
    const create = (path: string) =>
      h.call(0, 'POST', path, token, { name: 'app', team_id: 'team_1', description: 'x' });
    for (let i = 0; i < 3; i++) expect((await create('/api/v1/applications')).statusCode).toBe(200);
    for (const spelling of ['/api/v1/%61pplications', '/api/v1/%61%70plications?x=1']) {
      const bypass = await create(spelling);
      expect(bypass.statusCode, spelling).toBe(429);
      expect(bypass.headers['ratelimit-policy']).toBe('"by_endpoint";q=3;w=3600');
    }
  });
});

describe('paths no route handler sees', () => {
  it('count toward unauthenticated per client address in the onRequest hook, then answer 429', async () => {
    const probe = (url: string) => h.edges[0]!.inject({ method: 'GET', url, remoteAddress: '203.0.113.77' });
    const responses: LightMyRequestResponse[] = [];
    for (let i = 0; i < 55; i++) responses.push(await probe(`/api/v1/no-such-route-${i % 3}`));
    expect(count(responses)).toEqual({ 404: 50, 429: 5 });
    expect(responses.at(-1)!.headers['ratelimit-policy']).toBe('"unauthenticated";q=50;w=60');
    // The 429 is the whole answer: no route or not-found handler ran after it.
    expect(responses.at(-1)!.json()).toMatchObject({
      success: false,
      error: { code: 'RATE_LIMIT_EXCEEDED' },
    });
  });
});

describe('failed authentications (finding 5)', () => {
  it('are limited per client address, never spend global, and repeat a refusal without an auth round trip', async () => {
    const before = authRequests;
    const flood: LightMyRequestResponse[] = [];
    for (let i = 0; i < 450; i++) flood.push(await h.call(0, 'GET', '/api/v1/teams', 'not-a-token'));
    expect(count(flood)).toEqual({ 401: 50, 429: 400 });
    expect(flood.at(-1)!.headers['ratelimit-policy']).toBe('"unauthenticated";q=50;w=60');
    // One round trip for the bad token; every repeat answered from the edge's negative cache.
    expect(authRequests - before).toBe(1);

    // Another client address is not locked out by the flood...
    const elsewhere = await h.edges[0]!.inject({
      method: 'GET',
      url: '/api/v1/teams',
      remoteAddress: '198.51.100.9',
      headers: { authorization: 'Bearer also-bad' },
    });
    expect(elsewhere.statusCode).toBe(401);
    // ...and a valid admin of another tenant, even from the same address, is served.
    const admin = await h.call(0, 'GET', '/api/v1/teams', await tokenFor('admin', 'other-tenant'));
    expect(admin.statusCode).toBe(200);
  });

  it('believes X-Forwarded-For only from a trusted proxy (off by default)', async () => {
    const forged = (n: number) =>
      h.edges[1]!.inject({
        method: 'GET',
        url: '/api/v1/no-such-thing',
        remoteAddress: '203.0.113.50',
        headers: { 'x-forwarded-for': `192.0.2.${n}` },
      });
    const answers: LightMyRequestResponse[] = [];
    for (let i = 0; i < 60; i++) answers.push(await forged(i));
    // A fresh forged address per request buys no fresh bucket: the peer is what is counted.
    expect(count(answers)).toEqual({ 404: 50, 429: 10 });
  });
});

describe('long and non-ASCII identities (finding 6)', () => {
  it('are served from the shared counters and never push the edge into its outage mode', async () => {
    const odd = await mintToken({ sub: 'é'.repeat(128), tenant: 'acme' });
    const first = await h.call(1, 'GET', '/api/v1/teams', odd);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"per_user";q=15;w=60');
    const neighbour = await h.call(1, 'GET', '/api/v1/teams', await tokenFor('neighbour', 'acme'));
    expect(neighbour.statusCode, neighbour.body).toBe(200);
  });
});

describe('cold bursts (finding 7)', () => {
  async function expectRefusalNamesPerUser(refused: LightMyRequestResponse) {
    expect(refused.headers['ratelimit-policy']).toBe('"per_user";q=15;w=60');
    const retry = Number(refused.headers['retry-after']);
    expect(refused.headers.ratelimit).toBe(`"per_user";r=0;t=${retry}`);
    expect(refused.json()).toMatchObject({
      success: false,
      error: { code: 'RATE_LIMIT_EXCEEDED' },
      meta: {
        retry_after: retry,
        limit: 15,
        remaining: 0,
        reset: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    });
  }

  it('admits exactly N of 25 concurrent first requests, and every 429 names per_user with r=0', async () => {
    const token = await tokenFor('burst-user', 'burst');
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => h.call(0, 'GET', '/api/v1/teams', token)),
    );
    expect(count(responses)).toEqual({ 200: 15, 429: 10 });
    for (const r of responses.filter((r) => r.statusCode === 429)) await expectRefusalNamesPerUser(r);
  });

  it('admits exactly N of a concurrent burst spread over two edges', async () => {
    const token = await tokenFor('burst-user-2', 'burst');
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => h.call(i % 2, 'GET', '/api/v1/teams', token)),
    );
    expect(count(responses)).toEqual({ 200: 15, 429: 25 });
    for (const r of responses.filter((r) => r.statusCode === 429)) await expectRefusalNamesPerUser(r);
  });
});
