// Finding 10 (issue 9): tokens had no maximum age and no required `iat`; API keys could be created
// without an expiry cap; keys and service accounts kept their roles after their creator lost them.
// (The OIDC parts — https only, same-origin jwks_uri, backoff, claim mapping — are tested against a
// local provider in services/auth/src/oidc*.test.ts.)
import { mintToken } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from '../test/system.js';

let system: System;
let owner: ApiClient;

beforeAll(async () => {
  system = await startSystem({ stageMs: 20 });
  owner = apiClient(system.baseUrl, await adminToken('acme'));
}, 120_000);
afterAll(async () => system?.stop());

const withKey = (key: string, path = '/applications') =>
  fetch(`${system.baseUrl}/api/v1${path}`, {
    headers: { 'x-api-key': key },
    signal: AbortSignal.timeout(5_000),
  });

/** Polls until the request is refused (the edge caches decisions until a revocation notice). */
async function refusedWithin(request: () => Promise<Response>, boundMs = 3_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < boundMs) {
    const res = await request();
    if (res.status === 401) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`still accepted after ${boundMs} ms`);
}

describe('bearer tokens', () => {
  it('need an iat, and are refused past the maximum age even when exp is far away', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noIat = await mintToken({ sub: 'u', tenant: 'acme', extraClaims: { iat: undefined } });
    const res = await apiClient(system.baseUrl, noIat).get('/applications');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'missing_iat' } });

    const ancient = await mintToken({
      sub: 'u',
      tenant: 'acme',
      expiresInSeconds: 365 * 86_400,
      extraClaims: { iat: now - 25 * 3600 },
    });
    const old = await apiClient(system.baseUrl, ancient).get('/applications');
    expect(old.status).toBe(401);
    expect(old.body.error.details.reason).toBe('too_old');
  });
});

describe('API keys', () => {
  it('expire within the maximum lifetime (90 days by default), and refuse a later expiry', async () => {
    const roles = [{ role: 'viewer', scope: 'tenant:acme' }];
    const forever = await owner.post('/api-keys', {
      name: 'forever',
      roles,
      expires_at: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    });
    expect(forever.status).toBe(400);
    expect(forever.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'expires_at' } });
    const unspecified = await owner.post('/api-keys', { name: 'default', roles });
    expect(unspecified.status).toBe(201);
    const days = (Date.parse(unspecified.body.data.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
  });
});

describe('credentials re-validated against their creator', () => {
  it('an API key loses the admin role its creator lost', async () => {
    const admin = [{ role: 'admin', scope: 'tenant:acme' }];
    const now = Math.floor(Date.now() / 1000);
    const ann = apiClient(
      system.baseUrl,
      await mintToken({ sub: 'ann', tenant: 'acme', roles: admin, extraClaims: { iat: now - 30 } }),
    );
    const key = (await ann.post('/api-keys', { name: 'ann-admin', roles: admin })).body.data;
    expect((await withKey(key.key, '/api-keys')).status).toBe(200);

    // Ann is demoted to viewer: the first request with her new token tells the gateway.
    const demoted = apiClient(
      system.baseUrl,
      await mintToken({ sub: 'ann', tenant: 'acme', roles: [{ role: 'viewer', scope: 'tenant:acme' }] }),
    );
    expect((await demoted.get('/applications')).status).toBe(200);
    expect(await refusedWithin(() => withKey(key.key, '/api-keys'))).toBeLessThan(2_000);
    const refused = await (await withKey(key.key)).json();
    expect(refused.error.details.reason).toBe('grantor_rights_revoked');
  });

  it('a service account created by a key stops working when that key is revoked', async () => {
    const parent = (
      await owner.post('/api-keys', { name: 'automation', roles: [{ role: 'admin', scope: 'tenant:acme' }] })
    ).body.data;
    const viaKey = async (method: string, path: string, body?: unknown) =>
      fetch(`${system.baseUrl}/api/v1${path}`, {
        method,
        headers: { 'x-api-key': parent.key, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      }).then((r) => r.json());
    const account = (
      await viaKey('POST', '/service-accounts', {
        name: 'robot',
        roles: [{ role: 'viewer', scope: 'tenant:acme' }],
      })
    ).data;
    const token = (await viaKey('POST', `/service-accounts/${account.id}/tokens`, {})).data.token;
    const robot = () =>
      fetch(`${system.baseUrl}/api/v1/applications`, { headers: { authorization: `Bearer ${token}` } });
    expect((await robot()).status).toBe(200);

    expect((await owner.delete(`/api-keys/${parent.id}`)).status).toBe(200);
    expect(await refusedWithin(robot)).toBeLessThan(1_000);
  });
});
