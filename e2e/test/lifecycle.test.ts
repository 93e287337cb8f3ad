// The walk a platform user takes: team → application → desired state → deploy → follow the
// operation → actual equals desired → diff empty → deploy again → rollback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  adminToken,
  apiClient,
  type System,
  startSystem,
  waitForOperation,
} from './system.js';

let system: System;
let api: ApiClient;

beforeAll(async () => {
  system = await startSystem();
  api = apiClient(system.baseUrl, await adminToken('acme'));
});
afterAll(async () => system?.stop());

describe('application lifecycle through the REST API', () => {
  it('creates, deploys, converges and rolls back', async () => {
    const team = await api.post('/teams', { name: 'web' });
    expect(team.status).toBe(201);
    const teamId = team.body.data.id;

    const created = await api.post('/applications', {
      name: 'storefront',
      team_id: teamId,
      description: 'the shop',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, meta: { api_version: 'v1' } });
    const appId = created.body.data.id;

    const desired = {
      version: 'v1.0.0',
      replicas: 2,
      env: { LOG_LEVEL: 'info' },
      resources: { cpu: '500m', memory: '256Mi' },
    };
    const put = await api.put(`/applications/${appId}/desired-state`, desired);
    expect(put.status).toBe(200);

    const before = await api.get(`/applications/${appId}/diff`);
    expect(before.body.data.in_sync).toBe(false);

    const deploy = await api.post(`/applications/${appId}/deploy`, {});
    expect(deploy.status).toBe(202);
    expect(deploy.body.data).toMatchObject({
      status: expect.stringMatching(/pending|in_progress/),
      progress: expect.any(Number),
    });
    expect(deploy.body.data).toHaveProperty('estimated_completion');
    const op = await waitForOperation(api, deploy.body.data.operation_id);
    expect(op.status).toBe('succeeded');
    expect(op.progress).toBe(100);
    expect(op.stages.map((s: { name: string }) => s.name)).toEqual(['build', 'test', 'deploy', 'verify']);

    const logs = await api.get(`/operations/${op.id}/logs`);
    expect(logs.status).toBe(200);
    expect(logs.body.data.length).toBeGreaterThan(3);
    expect(logs.body.pagination.total).toBe(logs.body.data.length);

    const actual = await api.get(`/applications/${appId}/actual-state`);
    expect(actual.body.data).toMatchObject(desired);
    const diff = await api.get(`/applications/${appId}/diff`);
    expect(diff.body.data).toEqual({ in_sync: true, changes: [] });

    await api.put(`/applications/${appId}/desired-state`, { ...desired, version: 'v2.0.0' });
    const second = await api.post(`/applications/${appId}/deploy`, {});
    expect((await waitForOperation(api, second.body.data.operation_id)).status).toBe('succeeded');
    expect((await api.get(`/applications/${appId}/actual-state`)).body.data.version).toBe('v2.0.0');

    const rollback = await api.post(`/applications/${appId}/rollback`, {});
    expect(rollback.status).toBe(202);
    expect((await waitForOperation(api, rollback.body.data.operation_id)).status).toBe('succeeded');
    expect((await api.get(`/applications/${appId}/actual-state`)).body.data.version).toBe('v1.0.0');

    const status = await api.get(`/status/applications/${appId}`);
    expect(status.body.data).toMatchObject({ application_id: appId, actual_version: 'v1.0.0' });

    const ops = await api.get(`/operations?target_id=${appId}`);
    expect(ops.body.pagination.total).toBe(3);
  });

  it('keeps tenants apart', async () => {
    const other = apiClient(system.baseUrl, await adminToken('globex'));
    const team = await api.post('/teams', { name: 'secret-team' });
    const app = await api.post('/applications', { name: 'secret-app', team_id: team.body.data.id });
    expect(app.status).toBe(201);
    expect((await other.get(`/applications/${app.body.data.id}`)).status).toBe(404);
    expect((await other.put(`/applications/${app.body.data.id}`, { description: 'mine now' })).status).toBe(
      404,
    );
    const list = await other.get('/applications');
    expect(list.body.data.map((a: { id: string }) => a.id)).not.toContain(app.body.data.id);
    expect((await other.get(`/teams/${team.body.data.id}`)).status).toBe(404);
  });

  it('provisions a resource and refuses a tier rule with the spec’s error', async () => {
    const team = await api.post('/teams', { name: 'data' });
    const refused = await api.post('/resources/databases', {
      name: 'orders',
      team_id: team.body.data.id,
      tier: 'free',
      spec: { engine: 'postgres', size: 'xl', storage_gb: 10 },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'spec.size' } });
    expect(refused.body.error.details.reason).toContain("Size 'xl' is not allowed for free tier");

    const created = await api.post('/resources/databases', {
      name: 'orders',
      team_id: team.body.data.id,
      tier: 'pro',
      spec: { engine: 'postgres', size: 'l', storage_gb: 100 },
    });
    expect(created.status).toBe(202);
    expect((await waitForOperation(api, created.body.data.operation_id)).status).toBe('succeeded');
    const list = await api.get('/resources/databases');
    expect(list.body.data[0]).toMatchObject({ name: 'orders', status: 'ready', tags: { tenant: 'acme' } });
  });
});

describe('least privilege on NATS', () => {
  // Every service runs as its own NATS user (design.md §9): the walk above must need nothing more.
  it('needed no subject beyond each service’s own permissions', () => {
    expect(system.nats.permissionViolations()).toEqual([]);
  });
});
