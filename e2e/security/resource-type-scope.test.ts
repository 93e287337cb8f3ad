// Finding 3 (issue 9): a role limited to one resource type saw every type. Any single-type grant met
// `resource:*:read` and `GET /resources` was not filtered by type. Now a wildcard in a required
// permission is met only by a wildcard grant, except on `GET /resources`, which means "any type" and
// lists only the types the caller may read.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, apiClient, type System, startSystem, waitForOperation } from '../test/system.js';

let system: System;
let dir: string;

/** The shipped catalogue plus a role that reads databases only (the finding's premise). */
async function configWithDatabaseReader(): Promise<string> {
  const shipped = await readFile(new URL('../../config/gateway.yaml', import.meta.url), 'utf8');
  const withRole = shipped.replace(
    /^roles:\n/m,
    'roles:\n  database-reader:\n    - resource:database:read\n',
  );
  dir = await mkdtemp(join(tmpdir(), 'idp-rbac-'));
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, withRole);
  return file;
}

beforeAll(async () => {
  system = await startSystem({ stageMs: 20 });
  // The edge and the platform read the role catalogue at start: restart them on the test's catalogue.
  system.env.IDP_CONFIG = await configWithDatabaseReader();
  for (const name of ['platform', 'edge']) {
    await system.services[name]!.stop();
    await system.startService(name);
  }
  const owner = apiClient(system.baseUrl, await adminToken('acme'));
  const team = (await owner.post('/teams', { name: 'data' })).body.data.id;
  const make = async (type: string, name: string, spec: unknown) => {
    const res = await owner.post(`/resources/${type}`, { name, team_id: team, spec });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect((await waitForOperation(owner, res.body.data.operation_id)).status).toBe('succeeded');
  };
  await make('databases', 'orders-db', { engine: 'postgres', size: 's', storage_gb: 5 });
  await make('caches', 'sessions', { engine: 'redis', size: 's' });
}, 180_000);
afterAll(async () => {
  await system?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a role limited to one resource type', () => {
  it('lists only that type on GET /resources, and cannot read another type', async () => {
    const reader = apiClient(
      system.baseUrl,
      await mintToken({
        sub: 'dee',
        tenant: 'acme',
        roles: [{ role: 'database-reader', scope: 'tenant:acme' }],
      }),
    );
    const all = await reader.get('/resources');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    const types = new Set(all.body.data.map((r: { type: string }) => r.type));
    expect([...types]).toEqual(['database']);
    expect((await reader.get('/resources/databases')).status).toBe(200);
    const caches = await reader.get('/resources/caches');
    expect(caches.status).toBe(403);
    expect(caches.body.error.code).toBe('FORBIDDEN');
  });

  it('leaves a role with every type (viewer) seeing every type', async () => {
    const viewer = apiClient(
      system.baseUrl,
      await mintToken({ sub: 'vic', tenant: 'acme', roles: [{ role: 'viewer', scope: 'tenant:acme' }] }),
    );
    const types = new Set((await viewer.get('/resources')).body.data.map((r: { type: string }) => r.type));
    expect([...types].sort()).toEqual(['cache', 'database']);
  });

  it('is refused GET /resources when it reads no resource type at all', async () => {
    const none = apiClient(
      system.baseUrl,
      await mintToken({ sub: 'nil', tenant: 'acme', roles: [{ role: 'ghost', scope: 'tenant:acme' }] }),
    );
    expect((await none.get('/resources')).status).toBe(403);
  });
});
