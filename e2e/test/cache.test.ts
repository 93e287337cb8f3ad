// The edge's response cache in the whole system, with two edge instances (design.md §10): a write is
// seen at once through the edge it went through and within 100 ms through the other; ETag and
// If-None-Match answer 304; `Cache-Control: no-cache` goes to the backend; and no answer crosses a
// tenant or a principal of other rights on the same URL.
import { freePort, mintToken, waitFor } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from './system.js';

/** The guarantee (100 ms) plus what one HTTP round trip of the probe itself may take on busy cores. */
const CONVERGENCE_BOUND_MS = 100 + 50;

let system: System;
let edgeB: string;
let adminA: ApiClient;
let adminAOnB: ApiClient;
let teamId: string;
let otherTeamId: string;
let appId: string;

const cacheStatus = (res: { headers: Headers }) => res.headers.get('x-cache-status');

/** `idp_edge_cache_requests_total` of one edge by route and result, from its probe port. */
async function cacheCounter(instance: string, route: string, result: string): Promise<number> {
  const text = await (await fetch(`${system.probeUrls[instance]}/metrics`)).text();
  // Label order (and extra labels, such as an instance) are the registry's business: match by name.
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('idp_edge_cache_requests_total{') &&
        l.includes(`route="${route}"`) &&
        l.includes(`result="${result}"`),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

beforeAll(async () => {
  system = await startSystem({ probePorts: true });
  // A second edge on its own port (the instance reads its ports from env when it starts).
  const portA = system.env.IDP_HTTP_PORT!;
  const portB = await freePort();
  system.env.IDP_HTTP_PORT = String(portB);
  try {
    await system.startService('edge', 'edge-b');
  } finally {
    system.env.IDP_HTTP_PORT = portA;
  }
  edgeB = `http://127.0.0.1:${portB}`;
  const token = await adminToken('cache-a');
  adminA = apiClient(system.baseUrl, token);
  adminAOnB = apiClient(edgeB, token);
  teamId = (await adminA.post('/teams', { name: 'cached' })).body.data.id;
  otherTeamId = (await adminA.post('/teams', { name: 'elsewhere' })).body.data.id;
  const app = await adminA.post('/applications', { name: 'cached-app', team_id: teamId });
  expect(app.status).toBe(201);
  appId = app.body.data.id;
  expect(
    (await adminA.put(`/applications/${appId}/desired-state`, { version: 'v1', replicas: 1 })).status,
  ).toBe(200);
});

afterAll(async () => system?.stop());

describe('response cache', () => {
  it('serves a repeated read from the cache, and a write through the same edge is read back at once', async () => {
    const path = `/applications/${appId}/desired-state`;
    await adminA.get(path);
    const cached = await adminA.get(path);
    expect(cached.status).toBe(200);
    expect(cacheStatus(cached)).toBe('HIT');
    expect(cached.body.meta.request_id).toBeTruthy();

    for (const version of ['v2', 'v3']) {
      expect((await adminA.put(path, { version, replicas: 2 })).status).toBe(200);
      const read = await adminA.get(path);
      expect(read.body.data.version).toBe(version);
      expect(cacheStatus(read)).toBe('MISS');
    }
  });

  it('lets another edge see a write within 100 ms of its response', async () => {
    const path = `/applications/${appId}/desired-state`;
    for (const version of ['v10', 'v11', 'v12']) {
      // Edge B holds the old answer in its cache...
      await adminAOnB.get(path);
      const warm = await adminAOnB.get(path);
      expect(cacheStatus(warm)).toBe('HIT');
      expect(warm.body.data.version).not.toBe(version);
      // ...until the platform's change notice for the write through edge A reaches it.
      expect((await adminA.put(path, { version, replicas: 1 })).status).toBe(200);
      const written = performance.now();
      const seen = await waitFor(
        async () => {
          const read = await adminAOnB.get(path);
          return read.body.data.version === version ? performance.now() : undefined;
        },
        { timeoutMs: 2000, intervalMs: 2, message: `edge B sees ${version}` },
      );
      expect(seen - written).toBeLessThan(CONVERGENCE_BOUND_MS);
    }
    // A list converges the same way: a new application appears on the other edge's cached list.
    await adminAOnB.get('/applications');
    expect(cacheStatus(await adminAOnB.get('/applications'))).toBe('HIT');
    const created = await adminA.post('/applications', { name: 'late-app', team_id: teamId });
    const written = performance.now();
    const seen = await waitFor(
      async () => {
        const list = await adminAOnB.get('/applications');
        return list.body.data.some((a: { id: string }) => a.id === created.body.data.id)
          ? performance.now()
          : 0;
      },
      { timeoutMs: 2000, intervalMs: 2, message: 'edge B lists the new application' },
    );
    expect(seen - written).toBeLessThan(CONVERGENCE_BOUND_MS);
  });

  it('answers 304 with no body to If-None-Match holding the current ETag, and 200 once it changed', async () => {
    for (const path of [`/applications/${appId}`, '/applications']) {
      const first = await adminA.get(path);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^".+"$/);
      const again = await adminA.get(path, { 'if-none-match': etag! });
      expect(again.status).toBe(304);
      expect(again.body).toBeUndefined();
      expect(again.headers.get('etag')).toBe(etag);
      expect((await adminA.get(path, { 'if-none-match': '"not-it"' })).status).toBe(200);
    }
    const before = (await adminA.get(`/applications/${appId}`)).headers.get('etag')!;
    await adminA.put(`/applications/${appId}`, { description: 'changed' });
    const after = await adminA.get(`/applications/${appId}`, { 'if-none-match': before });
    expect(after.status).toBe(200);
    expect(after.body.data.description).toBe('changed');
    expect(after.headers.get('etag')).not.toBe(before);
  });

  it('goes to the backend on Cache-Control: no-cache', async () => {
    const path = `/applications/${appId}/diff`;
    await adminA.get(path);
    expect(cacheStatus(await adminA.get(path))).toBe('HIT');
    const name = 'applications.diff';
    const bypassesBefore = await cacheCounter('edge', name, 'bypass');
    const fresh = await adminA.get(path, { 'cache-control': 'no-cache' });
    expect(fresh.status).toBe(200);
    expect(cacheStatus(fresh)).toBe('BYPASS');
    expect(await cacheCounter('edge', name, 'bypass')).toBe(bypassesBefore + 1);
    expect(cacheStatus(await adminA.get(path))).toBe('HIT');
    expect(await cacheCounter('edge', name, 'hit')).toBeGreaterThanOrEqual(2);
  });

  it('never answers one tenant with what it cached for another', async () => {
    const path = `/applications/${appId}`;
    await adminA.get(path);
    expect(cacheStatus(await adminA.get(path))).toBe('HIT');
    await adminA.get('/applications');
    const otherTenant = apiClient(system.baseUrl, await adminToken('cache-b'));
    const foreign = await otherTenant.get(path);
    expect(foreign.status).toBe(404);
    const list = await otherTenant.get('/applications');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
  });

  it('never answers a principal with what it cached for one who may see more', async () => {
    const teamViewer = (team: string, sub: string) =>
      mintToken({ sub, tenant: 'cache-a', roles: [{ role: 'viewer', scope: `team:${team}` }] });
    await adminA.get('/applications');
    const all = await adminA.get('/applications');
    expect(cacheStatus(all)).toBe('HIT');
    expect(all.body.data.length).toBeGreaterThan(0);

    const outsider = apiClient(system.baseUrl, await teamViewer(otherTeamId, 'outsider'));
    const narrowed = await outsider.get('/applications');
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.data).toEqual([]);
    expect(cacheStatus(narrowed)).toBe('MISS');
    expect([403, 404]).toContain((await outsider.get(`/applications/${appId}`)).status);

    const member = apiClient(system.baseUrl, await teamViewer(teamId, 'member'));
    const own = await member.get('/applications');
    expect(own.body.data.map((a: { id: string }) => a.id)).toContain(appId);
    expect(own.body.data.every((a: { team_id: string }) => a.team_id === teamId)).toBe(true);
  });
});
