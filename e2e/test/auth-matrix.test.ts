// Every route of the edge's table, driven with no credential, a malformed one, an expired one, one of
// another tenant, one with too few permissions and a sufficient one: each must answer the right status
// in the contract's envelope, and no other tenant's data may appear in any answer.
import { type RouteDef, Routes } from '@idp/contracts';
import { mintToken } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  type ApiResponse,
  adminToken,
  apiClient,
  type System,
  startSystem,
  waitForOperation,
} from './system.js';

let system: System;
let owner: ApiClient;
const ids: Record<string, string> = {};

const routes = (Routes as readonly RouteDef[]).filter((r) => r.permission !== 'public');

/** Sample bodies that pass validation, so what is tested is who may call, not what they send. */
function bodyFor(route: RouteDef): unknown {
  switch (route.name) {
    case 'applications.create':
      return { name: `m-${Math.random().toString(36).slice(2, 8)}`, team_id: ids.team };
    case 'applications.update':
      return { description: 'updated' };
    case 'applications.desiredState.put':
      return { version: 'v9', replicas: 1 };
    case 'resources.create':
      return { name: 'cache-x', team_id: ids.team, spec: { engine: 'postgres', size: 's', storage_gb: 5 } };
    case 'resources.update':
      return { description: 'bigger' };
    case 'users.me.update':
      return { display_name: 'Matrix' };
    case 'teams.create':
      return { name: `t-${Math.random().toString(36).slice(2, 8)}` };
    case 'teams.members.add':
      return { user_id: `user-${Math.random().toString(36).slice(2, 8)}` };
    case 'apiKeys.create':
      return { name: 'matrix', roles: [{ role: 'viewer', scope: 'tenant:acme' }] };
    case 'serviceAccounts.create':
      return { name: 'matrix', roles: [{ role: 'viewer', scope: 'tenant:acme' }] };
    default:
      return route.method === 'POST' ? {} : undefined;
  }
}

function pathFor(route: RouteDef): string {
  return route.path
    .replace(':type/:id', `databases/${ids.database}`)
    .replace(':type', 'databases')
    .replace('/api-keys/:id', `/api-keys/${ids.apiKey}`)
    .replace('/service-accounts/:id', `/service-accounts/${ids.serviceAccount}`)
    .replace(':token_id', ids.token!)
    .replace('/operations/:id', `/operations/${ids.operation}`)
    .replace('/teams/:id', `/teams/${ids.team}`)
    .replace(':id', ids.app!);
}

function call(api: ApiClient, route: RouteDef): Promise<ApiResponse> {
  const path = pathFor(route);
  const body = bodyFor(route);
  if (route.method === 'GET') return api.get(path);
  if (route.method === 'DELETE') return api.delete(path);
  return route.method === 'POST' ? api.post(path, body) : api.put(path, body);
}

async function createFixtures() {
  ids.team = (await owner.post('/teams', { name: 'matrix' })).body.data.id;
  ids.app = (await owner.post('/applications', { name: 'matrix-app', team_id: ids.team })).body.data.id;
  await owner.put(`/applications/${ids.app}/desired-state`, { version: 'v1', replicas: 1 });
  const deploy = await owner.post(`/applications/${ids.app}/deploy`, {});
  ids.operation = deploy.body.data.operation_id;
  await waitForOperation(owner, ids.operation!);
  const db = await owner.post('/resources/databases', {
    name: 'matrix-db',
    team_id: ids.team,
    spec: { engine: 'postgres', size: 's', storage_gb: 5 },
  });
  await waitForOperation(owner, db.body.data.operation_id);
  const list = await owner.get('/resources/databases');
  ids.database = list.body.data[0].id;
  ids.apiKey = (
    await owner.post('/api-keys', { name: 'fixture', roles: [{ role: 'viewer', scope: 'tenant:acme' }] })
  ).body.data.id;
  ids.serviceAccount = (
    await owner.post('/service-accounts', {
      name: 'fixture',
      roles: [{ role: 'viewer', scope: 'tenant:acme' }],
    })
  ).body.data.id;
  ids.token = (await owner.post(`/service-accounts/${ids.serviceAccount}/tokens`, {})).body.data.token_id;
}

beforeAll(async () => {
  system = await startSystem({ stageMs: 20 });
  owner = apiClient(system.baseUrl, await adminToken('acme'));
  await createFixtures();
}, 120_000);
afterAll(async () => system?.stop());

const expectError = (res: ApiResponse, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ success: false, error: { code }, meta: { api_version: 'v1' } });
};

describe('authentication matrix over every route', () => {
  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses missing, malformed and expired credentials',
    async (_name, route) => {
      const anonymous = apiClient(system.baseUrl, '');
      expectError(
        await call({ ...anonymous, ...withHeaders(system.baseUrl, {}) }, route),
        401,
        'UNAUTHENTICATED',
      );
      expectError(await call(apiClient(system.baseUrl, 'not-a-token'), route), 401, 'UNAUTHENTICATED');
      const expired = await mintToken({ sub: 'old', tenant: 'acme', expiresInSeconds: -3600 });
      expectError(await call(apiClient(system.baseUrl, expired), route), 401, 'UNAUTHENTICATED');
    },
  );

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s never shows one tenant another’s objects',
    async (_name, route) => {
      const intruder = apiClient(system.baseUrl, await adminToken('globex'));
      const res = await call(intruder, route);
      expect(res.status).toBeLessThan(500);
      // An error may echo the id the caller sent; anything else of the other tenant is a leak.
      const sent = `${pathFor(route)} ${JSON.stringify(bodyFor(route) ?? {})}`;
      const text = JSON.stringify(res.body);
      for (const id of Object.values(ids).filter((id) => !sent.includes(id))) expect(text).not.toContain(id);
      if (route.path.includes(':id')) expect([400, 404]).toContain(res.status);
    },
  );

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses a viewer what a viewer may not do',
    async (_name, route) => {
      const viewer = apiClient(
        system.baseUrl,
        await mintToken({ sub: 'vera', tenant: 'acme', roles: [{ role: 'viewer', scope: 'tenant:acme' }] }),
      );
      const res = await call(viewer, route);
      const readOnly =
        route.method === 'GET' &&
        !route.name.startsWith('apiKeys') &&
        !route.name.startsWith('serviceAccounts');
      const selfService = route.permission === 'authenticated';
      if (readOnly || selfService) expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      else expectError(res, 403, 'FORBIDDEN');
    },
  );
});

describe('a sufficient credential reaches every route', () => {
  const expected: Record<string, number[]> = {
    'applications.create': [201],
    'resources.create': [202],
    'teams.create': [201],
    'teams.members.add': [201],
    'apiKeys.create': [201],
    'serviceAccounts.create': [201],
    'serviceAccounts.tokens.create': [201],
    'serviceAccounts.natsCredentials.create': [201],
    'applications.deploy': [202],
    'applications.restart': [202],
    // Runs after the deploy above, so there is an earlier version to go back to.
    'applications.rollback': [202],
    'resources.delete': [202],
    // The deploy above is finished, so there is nothing to cancel any more.
    'operations.cancel': [409],
  };
  // Destructive routes go last, deepest first (a token before its account), so every route still
  // finds the objects it acts on.
  const rank = (r: RouteDef) => (r.method === 'DELETE' ? 1000 - r.path.length : 0);
  const ordered = [...routes].sort((a, b) => rank(a) - rank(b));
  it.each(ordered.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', async (_name, route) => {
    const res = await call(owner, route);
    const allowed = expected[route.name] ?? [200];
    expect(allowed, `${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
    if (res.status < 300) expect(res.body).toMatchObject({ success: true, meta: { api_version: 'v1' } });
    if (res.status === 202) await waitForOperation(owner, res.body.data.operation_id);
  });
});

function withHeaders(baseUrl: string, headers: Record<string, string>): ApiClient {
  const raw = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (path) => raw('GET', path),
    post: (path, body) => raw('POST', path, body ?? {}),
    put: (path, body) => raw('PUT', path, body),
    delete: (path) => raw('DELETE', path),
  };
}
