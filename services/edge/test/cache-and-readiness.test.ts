import { mintToken, waitFor } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readiness } from '../src/health.js';
import { type EdgeHarness, startEdgeHarness } from './harness.js';

let h: EdgeHarness;
beforeAll(async () => {
  h = await startEdgeHarness({ backendTimeoutMs: 500 });
  h.setPlatform((route) =>
    route === 'ping' ? { ok: true, status: 200, data: {} } : { ok: true, status: 200, data: [] },
  );
});
afterAll(async () => h?.close());

describe('readiness and the auth decision cache', () => {
  it('is ready while NATS, auth and platform answer, and says only that publicly', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ready: true });
    // The details are the probe port's (IDP_HEALTH_PORT), built from the same check.
    expect((await readiness(h.nc)).checks).toMatchObject({
      nats: { status: 'up' },
      auth: { status: 'up' },
      platform: { status: 'up' },
    });
  });

  it('keeps serving a recently authenticated token when auth goes away, but not a new one', async () => {
    const seen = await mintToken({ sub: 'alice', tenant: 'acme' });
    const fresh = await mintToken({ sub: 'bob', tenant: 'acme' });
    const call = (token: string) =>
      h.app.inject({
        method: 'GET',
        url: '/api/v1/applications',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await call(seen)).statusCode).toBe(200);

    await h.auth.stop();
    expect((await call(seen)).statusCode).toBe(200);
    const refused = await call(fresh);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('SERVICE_UNAVAILABLE');

    const ready = await waitFor(async () => {
      const res = await h.app.inject({ method: 'GET', url: '/readyz' });
      return res.statusCode === 503 ? res : undefined;
    });
    expect(ready.json()).toEqual({ ready: false });
    const details = await readiness(h.nc, 200);
    expect(details.checks.auth).toMatchObject({ status: 'down', error: expect.any(String) });
  });
});
