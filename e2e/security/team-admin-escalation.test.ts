// Finding 2 (issue 9): a team admin became tenant admin. `admin@team:web` listed the tenant's service
// accounts, issued a token for one holding `admin@tenant:acme`, minted an `admin@tenant:acme` API key
// with it, and listed and revoked other teams' keys. Now a team-scoped binding never satisfies a
// tenant-wide route, and every credential operation is limited to what the caller could grant itself.
// Finding 12 (part): a token id of another account was accepted by `DELETE …/tokens/{token_id}`.
import { mintToken } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from '../test/system.js';

let system: System;
let owner: ApiClient;
let lead: ApiClient;
let web: string;
let rootAccount: string;
let otherTeamKey: { id: string; key: string };

const ids = (body: { data: Array<{ id: string }> }) => body.data.map((c) => c.id);
const withKey = (key: string, path: string) =>
  fetch(`${system.baseUrl}/api/v1${path}`, {
    headers: { 'x-api-key': key },
    signal: AbortSignal.timeout(5_000),
  });

beforeAll(async () => {
  system = await startSystem({ stageMs: 20 });
  owner = apiClient(system.baseUrl, await adminToken('acme'));
  web = (await owner.post('/teams', { name: 'web' })).body.data.id;
  const api = (await owner.post('/teams', { name: 'api' })).body.data.id;
  rootAccount = (
    await owner.post('/service-accounts', {
      name: 'root-bot',
      roles: [{ role: 'admin', scope: 'tenant:acme' }],
    })
  ).body.data.id;
  otherTeamKey = (
    await owner.post('/api-keys', { name: 'api-team', roles: [{ role: 'developer', scope: `team:${api}` }] })
  ).body.data;
  lead = apiClient(
    system.baseUrl,
    await mintToken({ sub: 'lea', tenant: 'acme', roles: [{ role: 'admin', scope: `team:${web}` }] }),
  );
}, 120_000);
afterAll(async () => system?.stop());

describe('a team admin cannot become tenant admin', () => {
  it('does not see the tenant-wide service account, and cannot issue a token for it', async () => {
    const listed = await lead.get('/service-accounts');
    expect(listed.status).toBe(200);
    expect(ids(listed.body)).not.toContain(rootAccount);
    const issued = await lead.post(`/service-accounts/${rootAccount}/tokens`, {});
    expect(issued.status).toBe(404);
    expect(issued.body.error.code).toBe('NOT_FOUND');
    expect((await lead.get(`/service-accounts/${rootAccount}`)).status).toBe(404);
  });

  it('cannot mint a tenant-wide API key or service account, nor one for another team', async () => {
    for (const scope of ['tenant:acme', 'team:someone-else']) {
      const key = await lead.post('/api-keys', { name: 'mine', roles: [{ role: 'admin', scope }] });
      expect(key.status, JSON.stringify(key.body)).toBe(403);
      expect(key.body.error.code).toBe('FORBIDDEN');
      const account = await lead.post('/service-accounts', {
        name: 'mine',
        roles: [{ role: 'viewer', scope }],
      });
      expect(account.status).toBe(403);
    }
  });

  it('cannot list or revoke another team’s keys', async () => {
    expect(ids((await lead.get('/api-keys')).body)).not.toContain(otherTeamKey.id);
    const revoked = await lead.delete(`/api-keys/${otherTeamKey.id}`);
    expect(revoked.status).toBe(404);
    expect((await withKey(otherTeamKey.key, '/applications')).status).toBe(200);
  });

  it('is refused on tenant-wide routes', async () => {
    const team = await lead.post('/teams', { name: 'shadow' });
    expect(team.status).toBe(403);
    expect(team.body.error.code).toBe('FORBIDDEN');
    // Metrics are team-narrowed (finding 12): the lead sees its own team's, never the tenant's.
    const metrics = await lead.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body.data.teams.total).toBe(1);
  });

  it('still manages its own team: applications and credentials for the team', async () => {
    const app = await lead.post('/applications', { name: 'storefront', team_id: web });
    expect(app.status).toBe(201);
    expect(ids((await lead.get('/applications')).body)).toContain(app.body.data.id);
    const key = await lead.post('/api-keys', {
      name: 'web-ci',
      roles: [{ role: 'developer', scope: `team:${web}` }],
    });
    expect(key.status).toBe(201);
    expect(ids((await lead.get('/api-keys')).body)).toEqual([key.body.data.id]);
    const seen = await withKey(key.body.data.key, `/applications/${app.body.data.id}`);
    expect(seen.status).toBe(200);
    expect((await lead.delete(`/api-keys/${key.body.data.id}`)).status).toBe(200);
  });
});

describe('service-account token ids', () => {
  it('revoke only tokens of the account named in the path', async () => {
    const create = async (name: string) =>
      (await owner.post('/service-accounts', { name, roles: [{ role: 'viewer', scope: 'tenant:acme' }] }))
        .body.data.id as string;
    const a = await create('a');
    const b = await create('b');
    const issued = (await owner.post(`/service-accounts/${b}/tokens`, {})).body.data;
    const wrong = await owner.delete(`/service-accounts/${a}/tokens/${issued.token_id}`);
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe('NOT_FOUND');
    expect((await apiClient(system.baseUrl, issued.token).get('/applications')).status).toBe(200);
    expect((await owner.delete(`/service-accounts/${b}/tokens/${issued.token_id}`)).status).toBe(200);
  });
});
