// Failures of the running containers: `podman kill` of the platform mid-deploy, and of NATS itself, then
// `podman start` of the same container. The deploy finishes exactly once and nothing written is lost.
import { describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, waitForOperation } from '../test/system.js';
import { containerToken, podman, runningSystem, unique, waitReady } from './running-system.js';

const system = runningSystem();

async function deployStarted(api: ApiClient, base: string) {
  const name = unique(base);
  const team = await api.post('/teams', { name: `${name}-team` });
  const app = await api.post('/applications', { name, team_id: team.body.data.id });
  const appId = app.body.data.id as string;
  await api.put(`/applications/${appId}/desired-state`, { version: 'v1', replicas: 1 });
  const deploy = await api.post(`/applications/${appId}/deploy`, {});
  expect(deploy.status).toBe(202);
  const opId = deploy.body.data.operation_id as string;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if ((await api.get(`/operations/${opId}`)).body.data.progress >= 25) return { appId, opId };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`operation ${opId} never reached 25%`);
}

/** Kills a container (SIGKILL: no graceful hand-back) and starts it again as it was. */
async function killAndRestart(service: string) {
  const name = system.containers[service]!;
  await podman('kill', name);
  await podman('wait', name);
  await podman('start', name);
}

describe('failures of the containers', () => {
  it('finishes a deploy exactly once after the platform container is killed mid-way', async () => {
    const api = apiClient(system.baseUrl, await containerToken(system, 'acme'));
    const { appId, opId } = await deployStarted(api, 'survivor');

    await killAndRestart('platform');
    await waitReady(`${system.probeUrls.platform}/readyz`);

    const op = await waitForOperation(api, opId, 45_000);
    expect(op.status).toBe('succeeded');
    expect(op.attempts).toBeGreaterThanOrEqual(2);
    const logs = await api.get(`/operations/${opId}/logs?per_page=200`);
    const completions = logs.body.data.filter((l: { message: string }) => /completed/i.test(l.message));
    expect(new Set(completions.map((l: { stage: string }) => l.stage)).size).toBe(completions.length);
    expect((await api.get(`/applications/${appId}/actual-state`)).body.data.version).toBe('v1');
  });

  it('loses nothing when the NATS container is killed mid-deploy and started again', async () => {
    const api = apiClient(system.baseUrl, await containerToken(system, 'acme'));
    const { appId, opId } = await deployStarted(api, 'steady');
    const before = await applicationIds(api);
    expect(before).toContain(appId);

    await killAndRestart('nats');

    const op = await waitForOperation(api, opId, 60_000);
    expect(op.status).toBe('succeeded');
    for (const service of ['auth', 'ratelimit', 'platform', 'realtime', 'edge'])
      await waitReady(`${system.probeUrls[service]}/readyz`);
    const app = await api.get(`/applications/${appId}`);
    expect(app.body.data.actual_state.version).toBe('v1');
    expect(await applicationIds(api)).toEqual(expect.arrayContaining(before));
  });
});

describe('a graceful stop', () => {
  it('reaches node through tini: the service drains and exits 0, then starts again', async () => {
    for (const service of ['platform', 'edge']) {
      const name = system.containers[service]!;
      // SIGTERM, then SIGKILL after 25 s: a process that never saw the SIGTERM would end 137.
      await podman('stop', '--time', '25', name);
      expect(await podman('inspect', '--format', '{{.State.ExitCode}}', name)).toBe('0');
      await podman('start', name);
      await waitReady(`${system.probeUrls[service]}/readyz`);
    }
  });
});

async function applicationIds(api: ApiClient): Promise<string[]> {
  const list = await api.get('/applications?per_page=200');
  return list.body.data.map((a: { id: string }) => a.id);
}
