// Failure tests with real processes: a platform killed mid-deploy, and nats-server restarted
// mid-deploy. Nothing may be lost and no operation may be left in progress.
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  adminToken,
  apiClient,
  type System,
  startSystem,
  waitForOperation,
} from './system.js';

let system: System | undefined;
afterEach(async () => {
  // Each service runs as its own NATS user (design.md §9): crashes and restarts need nothing more.
  const violations = system?.nats.permissionViolations() ?? [];
  await system?.stop();
  system = undefined;
  expect(violations).toEqual([]);
});

async function appWithDesiredState(api: ApiClient, name: string) {
  const team = await api.post('/teams', { name: `${name}-team` });
  const app = await api.post('/applications', { name, team_id: team.body.data.id });
  await api.put(`/applications/${app.body.data.id}/desired-state`, { version: 'v1', replicas: 1 });
  return app.body.data.id as string;
}

async function waitForProgress(api: ApiClient, operationId: string, atLeast: number) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await api.get(`/operations/${operationId}`);
    if (res.body.data.progress >= atLeast) return res.body.data;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`operation ${operationId} never reached ${atLeast}%`);
}

describe('failures', () => {
  it('finishes a deploy exactly once after the platform is killed mid-way and restarted', async () => {
    system = await startSystem({ stageMs: 400, ackWaitMs: 1500 });
    const api = apiClient(system.baseUrl, await adminToken('acme'));
    const appId = await appWithDesiredState(api, 'survivor');
    const deploy = await api.post(`/applications/${appId}/deploy`, {});
    const opId = deploy.body.data.operation_id;
    await waitForProgress(api, opId, 25);

    await system.services.platform!.kill();
    await system.startService('platform');

    const op = await waitForOperation(api, opId, 30_000);
    expect(op.status).toBe('succeeded');
    expect(op.attempts).toBeGreaterThanOrEqual(2);
    const logs = await api.get(`/operations/${opId}/logs?per_page=200`);
    const completions = logs.body.data.filter((l: { message: string }) => /completed/i.test(l.message));
    const stagesDone = new Set(completions.map((l: { stage: string }) => l.stage));
    expect(stagesDone.size).toBe(completions.length);
    expect((await api.get(`/applications/${appId}/actual-state`)).body.data.version).toBe('v1');
  });

  it('loses nothing when nats-server restarts mid-deploy', async () => {
    system = await startSystem({ stageMs: 400, ackWaitMs: 1500 });
    const api = apiClient(system.baseUrl, await adminToken('acme'));
    const appId = await appWithDesiredState(api, 'steady');
    const deploy = await api.post(`/applications/${appId}/deploy`, {});
    const opId = deploy.body.data.operation_id;
    await waitForProgress(api, opId, 25);

    await system.nats.restart();

    const op = await waitForOperation(api, opId, 45_000);
    expect(op.status).toBe('succeeded');
    const app = await api.get(`/applications/${appId}`);
    expect(app.status).toBe(200);
    expect(app.body.data.actual_state.version).toBe('v1');
    const list = await api.get('/applications');
    expect(list.body.data.map((a: { id: string }) => a.id)).toContain(appId);
  });
});
