// The platform's breaker at the edge against a real nats-server and a scripted stand-in platform: a
// silent platform opens it, open answers 503 + Retry-After without a NATS request, half-open probes,
// and it closes on its own when the platform answers again; 4xx answers never open it.
import { mintToken } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdgeHarness, startEdgeHarness } from './harness.js';

const BACKEND_TIMEOUT_MS = 800;
const HALF_OPEN_AFTER_MS = 1_500;
/** "Within a few ms" on an idle machine; generous for a loaded 2-core CI runner. */
const FAST_MS = 100;

let h: EdgeHarness;
let admin: string;

beforeAll(async () => {
  h = await startEdgeHarness({
    backendTimeoutMs: BACKEND_TIMEOUT_MS,
    circuitBreakers: { consecutive_failures: 3, half_open_after_ms: HALF_OPEN_AFTER_MS },
  });
  admin = await mintToken({ sub: 'alice', tenant: 'acme' });
  // Warm the edge's credential cache so timings below measure the breaker, not authentication.
  await get('/api/v1/applications/app_1');
}, 60_000);
afterAll(async () => h?.close());

const get = (url: string) =>
  h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}` } });
const timed = async (url: string) => {
  const started = performance.now();
  const res = await get(url);
  return { res, ms: performance.now() - started };
};
const breakerState = async (group: string) => {
  const metric = await h.metrics.registry.getSingleMetric('idp_edge_circuit_breaker_state')?.get();
  return metric?.values.find((v) => v.labels.group === group)?.value;
};
const silentPlatform = () => h.setPlatform(() => undefined);
const healthyPlatform = () => h.setPlatform(() => ({ ok: true, status: 200, data: { id: 'app_1' } }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('circuit breaker per backend group', () => {
  it('never opens on 4xx answers: every request still reaches the platform', async () => {
    h.setPlatform(() => ({ ok: false, error: { code: 'NOT_FOUND', message: 'no such application' } }));
    h.received.length = 0;
    for (let i = 0; i < 10; i++) expect((await get('/api/v1/applications/app_x')).statusCode).toBe(404);
    expect(h.received).toHaveLength(10);
    expect(await breakerState('platform')).toBe(0);
  });

  it(`opens after 3 timeouts, then answers 503 + Retry-After in < ${FAST_MS} ms (vs ${BACKEND_TIMEOUT_MS} ms) sending nothing`, async () => {
    silentPlatform();
    const failures = await Promise.all([1, 2, 3].map(() => get('/api/v1/applications/app_1')));
    expect(failures.map((r) => r.statusCode)).toEqual([504, 504, 504]);
    expect(await breakerState('platform')).toBe(1);

    h.received.length = 0;
    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { res, ms } = await timed('/api/v1/applications/app_1');
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        details: { backend: 'platform' },
      });
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(Math.ceil(HALF_OPEN_AFTER_MS / 1000));
      timings.push(ms);
    }
    expect(Math.max(...timings)).toBeLessThan(FAST_MS);
    // Give a stray request time to arrive: none may have been sent while open.
    await sleep(50);
    expect(h.received).toHaveLength(0);
  });

  it('keeps other groups working while the platform breaker is open', async () => {
    // GET /auth/jwks.json is answered through the auth group, which the platform's outage leaves closed.
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/auth/jwks.json' });
    expect(res.statusCode).toBe(200);
    expect(await breakerState('auth')).toBe(0);
  });

  it('half-opens after half_open_after_ms: a failed probe reopens it, and it stays fast', async () => {
    await sleep(HALF_OPEN_AFTER_MS + 100);
    h.received.length = 0;
    const probe = get('/api/v1/applications/app_1');
    // While the probe is in flight, everyone else is refused at once instead of waiting for it.
    await sleep(20);
    const { res: bystander, ms } = await timed('/api/v1/applications/app_1');
    expect(bystander.statusCode).toBe(503);
    expect(ms).toBeLessThan(FAST_MS);
    expect((await probe).statusCode).toBe(504);
    expect(h.received).toHaveLength(1);
    expect(await breakerState('platform')).toBe(1);
    const { res: after, ms: afterMs } = await timed('/api/v1/applications/app_1');
    expect(after.statusCode).toBe(503);
    expect(afterMs).toBeLessThan(FAST_MS);
  });

  it('closes on its own once the platform answers again', async () => {
    healthyPlatform();
    await sleep(HALF_OPEN_AFTER_MS + 100);
    const probe = await get('/api/v1/applications/app_1');
    expect(probe.statusCode).toBe(200);
    expect(await breakerState('platform')).toBe(0);
    h.received.length = 0;
    for (let i = 0; i < 5; i++) expect((await get('/api/v1/applications/app_1')).statusCode).toBe(200);
    expect(h.received).toHaveLength(5);
  });
});
