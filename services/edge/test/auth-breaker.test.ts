// The edge's own authentication call sits behind the `auth` breaker: with the auth service gone, a
// request whose credential is not cached gets a fast 503 + Retry-After once the breaker is open, and the
// edge recovers by itself when auth comes back. Against a real nats-server and a real auth process.
import { DEV_JWT_SECRET } from '@idp/contracts';
import { mintToken, type ServiceProcess, startServiceProcess } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdgeHarness, startEdgeHarness } from './harness.js';

const HALF_OPEN_AFTER_MS = 1_500;

let h: EdgeHarness;
let restartedAuth: ServiceProcess | undefined;

beforeAll(async () => {
  h = await startEdgeHarness({
    circuitBreakers: { consecutive_failures: 3, half_open_after_ms: HALF_OPEN_AFTER_MS },
  });
}, 60_000);
afterAll(async () => {
  await restartedAuth?.stop();
  await h?.close();
});

let tokens = 0;
/** A token never seen before, so the edge's credential cache cannot answer for the auth service. */
const freshToken = () => mintToken({ sub: `user-${++tokens}`, tenant: 'acme' });
const get = async () =>
  h.app.inject({
    method: 'GET',
    url: '/api/v1/applications/app_1',
    headers: { authorization: `Bearer ${await freshToken()}` },
  });
const breakerState = async (group: string) => {
  const metric = await h.metrics.registry.getSingleMetric('idp_edge_circuit_breaker_state')?.get();
  return metric?.values.find((v) => v.labels.group === group)?.value;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the auth breaker at the edge', () => {
  it('authenticates through a closed breaker while auth answers', async () => {
    expect((await get()).statusCode).toBe(200);
    expect(await breakerState('auth')).toBe(0);
  });

  it('opens after 3 failed authentications and then refuses with 503 + Retry-After naming auth', async () => {
    await h.auth.stop();
    for (let i = 0; i < 3; i++) {
      const res = await get();
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBeUndefined();
    }
    expect(await breakerState('auth')).toBe(1);
    const refused = await get();
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { backend: 'auth' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The platform's group is another breaker: an auth outage leaves it closed.
    expect(await breakerState('platform')).toBe(0);
  });

  it('closes on its own once auth is back', async () => {
    restartedAuth = await startServiceProcess({
      name: 'auth',
      entry: new URL('../../auth/src/main.ts', import.meta.url).pathname,
      env: { ...h.server.envFor('auth'), LOG_LEVEL: 'info', IDP_JWT_SECRET: DEV_JWT_SECRET },
    });
    await sleep(HALF_OPEN_AFTER_MS + 100);
    expect((await get()).statusCode).toBe(200);
    expect(await breakerState('auth')).toBe(0);
    expect((await get()).statusCode).toBe(200);
  });
});
