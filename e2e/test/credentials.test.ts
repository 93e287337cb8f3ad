// API keys, service accounts and team-scoped roles end to end through the edge, revocation included:
// a revoked credential must be refused within a second although the edge caches decisions.
import { mintToken } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from './system.js';

let system: System;
let admin: ApiClient;

beforeAll(async () => {
  system = await startSystem({ stageMs: 20 });
  admin = apiClient(system.baseUrl, await adminToken('acme'));
});
afterAll(async () => system?.stop());

function apiKeyClient(key: string) {
  return (path: string) =>
    fetch(`${system.baseUrl}/api/v1${path}`, {
      headers: { 'x-api-key': key },
      signal: AbortSignal.timeout(5_000),
    });
}

/** Polls until the request is refused; returns how long that took. */
async function msUntilRefused(request: () => Promise<Response>, boundMs = 3_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < boundMs) {
    if ((await request()).status === 401) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`still accepted after ${boundMs} ms`);
}

describe('API keys through the edge', () => {
  it('authenticate as their roles, and are refused within a second of revocation', async () => {
    const created = await admin.post('/api-keys', {
      name: 'reporting',
      roles: [{ role: 'viewer', scope: 'tenant:acme' }],
    });
    expect(created.status).toBe(201);
    const { id, key } = created.body.data;
    const withKey = apiKeyClient(key);

    expect((await withKey('/applications')).status).toBe(200);
    const write = await fetch(`${system.baseUrl}/api/v1/teams`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'nope' }),
    });
    expect(write.status).toBe(403);

    const listed = await admin.get('/api-keys');
    expect(listed.body.data.find((k: { id: string }) => k.id === id)).toMatchObject({
      name: 'reporting',
      last_used_at: expect.any(String),
    });
    expect(JSON.stringify(listed.body)).not.toContain(key);

    expect((await admin.delete(`/api-keys/${id}`)).status).toBe(200);
    expect(await msUntilRefused(() => withKey('/applications'))).toBeLessThan(1_000);
  });
});

describe('service accounts through the edge', () => {
  it('issue short-lived tokens that work until revoked, with the public key published', async () => {
    const account = await admin.post('/service-accounts', {
      name: 'deployer',
      roles: [{ role: 'developer', scope: 'tenant:acme' }],
    });
    expect(account.status).toBe(201);
    const issued = await admin.post(`/service-accounts/${account.body.data.id}/tokens`, { ttl_seconds: 300 });
    expect(issued.status).toBe(201);
    expect(Date.parse(issued.body.data.expires_at) - Date.now()).toBeLessThanOrEqual(300_000);
    const robot = apiClient(system.baseUrl, issued.body.data.token);
    expect((await robot.get('/applications')).status).toBe(200);

    const jwks = await fetch(`${system.baseUrl}/api/v1/auth/jwks.json`).then((r) => r.json());
    expect(jwks.data.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });

    await admin.delete(`/service-accounts/${account.body.data.id}/tokens/${issued.body.data.token_id}`);
    expect(
      await msUntilRefused(() =>
        fetch(`${system.baseUrl}/api/v1/applications`, {
          headers: { authorization: `Bearer ${issued.body.data.token}` },
        }),
      ),
    ).toBeLessThan(1_000);
  });

  it('refuses issuing tokens beyond an hour and granting roles the caller lacks', async () => {
    const account = await admin.post('/service-accounts', {
      name: 'ci',
      roles: [{ role: 'viewer', scope: 'tenant:acme' }],
    });
    const tooLong = await admin.post(`/service-accounts/${account.body.data.id}/tokens`, {
      ttl_seconds: 7200,
    });
    expect(tooLong.status).toBe(400);
    const dev = apiClient(
      system.baseUrl,
      await mintToken({ sub: 'dan', tenant: 'acme', roles: [{ role: 'developer', scope: 'team:web' }] }),
    );
    expect(
      (await dev.post('/api-keys', { name: 'mine', roles: [{ role: 'viewer', scope: 'tenant:acme' }] }))
        .status,
    ).toBe(403);
  });
});

describe('team-scoped roles', () => {
  it('cover their team’s applications only', async () => {
    const web = (await admin.post('/teams', { name: 'web' })).body.data.id;
    const api = (await admin.post('/teams', { name: 'api' })).body.data.id;
    const apiApp = (await admin.post('/applications', { name: 'billing', team_id: api })).body.data.id;
    const dev = apiClient(
      system.baseUrl,
      await mintToken({ sub: 'dora', tenant: 'acme', roles: [{ role: 'developer', scope: `team:${web}` }] }),
    );

    const own = await dev.post('/applications', { name: 'storefront', team_id: web });
    expect(own.status).toBe(201);
    const foreign = await dev.post('/applications', { name: 'sneaky', team_id: api });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN');

    expect((await dev.get(`/applications/${apiApp}`)).status).toBe(403);
    expect(
      (await dev.put(`/applications/${apiApp}/desired-state`, { version: 'v1', replicas: 1 })).status,
    ).toBe(403);
    const visible = (await dev.get('/applications')).body.data.map((a: { id: string }) => a.id);
    expect(visible).toContain(own.body.data.id);
    expect(visible).not.toContain(apiApp);

    const permissions = await dev.get('/users/me/permissions');
    expect(permissions.body.data.roles[0]).toMatchObject({
      role: 'developer',
      scope: `team:${web}`,
      effective: true,
    });
  });
});
