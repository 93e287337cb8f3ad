// Finding 12 (issue 9, part): credentials per tenant were unlimited, and every auth instance holds all
// of them in memory. Now each tenant may hold at most IDP_MAX_API_KEYS_PER_TENANT API keys and
// IDP_MAX_SERVICE_ACCOUNTS_PER_TENANT service accounts; past that, 403 QUOTA_EXCEEDED.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, apiClient, type System, startSystem } from '../test/system.js';

let system: System;

beforeAll(async () => {
  system = await startSystem({ stageMs: 20 });
  // Small limits so the test reaches them; the auth service reads them at start.
  system.env.IDP_MAX_API_KEYS_PER_TENANT = '5';
  system.env.IDP_MAX_SERVICE_ACCOUNTS_PER_TENANT = '2';
  await system.services.auth!.stop();
  await system.startService('auth');
}, 120_000);
afterAll(async () => system?.stop());

describe('per-tenant credential limits', () => {
  it('refuse API keys past the limit, even in a concurrent burst, and only for that tenant', async () => {
    const acme = apiClient(system.baseUrl, await adminToken('acme'));
    const body = { name: 'k', roles: [{ role: 'viewer', scope: 'tenant:acme' }] };
    const burst = await Promise.all(Array.from({ length: 12 }, () => acme.post('/api-keys', body)));
    expect(burst.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = burst.find((r) => r.status !== 201)!;
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      success: false,
      error: { code: 'QUOTA_EXCEEDED', details: { limit: 5 } },
    });

    const globex = apiClient(system.baseUrl, await adminToken('globex'));
    expect(
      (await globex.post('/api-keys', { name: 'k', roles: [{ role: 'viewer', scope: 'tenant:globex' }] }))
        .status,
    ).toBe(201);

    const first = burst.find((r) => r.status === 201)!.body.data.id;
    expect((await acme.delete(`/api-keys/${first}`)).status).toBe(200);
    expect((await acme.post('/api-keys', body)).status).toBe(201);
  });

  it('refuse service accounts past the limit', async () => {
    const acme = apiClient(system.baseUrl, await adminToken('acme'));
    const body = { name: 'bot', roles: [{ role: 'viewer', scope: 'tenant:acme' }] };
    expect((await acme.post('/service-accounts', body)).status).toBe(201);
    expect((await acme.post('/service-accounts', body)).status).toBe(201);
    const third = await acme.post('/service-accounts', body);
    expect(third.status).toBe(403);
    expect(third.body.error.code).toBe('QUOTA_EXCEEDED');
  });
});
