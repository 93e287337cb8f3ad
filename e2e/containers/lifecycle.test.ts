// The platform user's walk (team → application → desired state → deploy → converge → rollback), against
// the system running from the images, and how its containers run.
import { describe, expect, it } from 'vitest';
import { apiClient, waitForOperation } from '../test/system.js';
import { containerToken, podman, runningSystem, unique } from './running-system.js';

const system = runningSystem();

describe('application lifecycle against the containers', () => {
  it('creates, deploys, converges and rolls back', async () => {
    const api = apiClient(system.baseUrl, await containerToken(system, 'acme'));
    const team = await api.post('/teams', { name: unique('web') });
    expect(team.status).toBe(201);
    const app = await api.post('/applications', { name: unique('storefront'), team_id: team.body.data.id });
    expect(app.status).toBe(201);
    const appId = app.body.data.id;

    for (const version of ['v1.0.0', 'v2.0.0']) {
      expect((await api.put(`/applications/${appId}/desired-state`, { version, replicas: 2 })).status).toBe(
        200,
      );
      const deploy = await api.post(`/applications/${appId}/deploy`, {});
      expect(deploy.status).toBe(202);
      expect((await waitForOperation(api, deploy.body.data.operation_id)).status).toBe('succeeded');
    }
    expect((await api.get(`/applications/${appId}/diff`)).body.data).toEqual({ in_sync: true, changes: [] });

    const rollback = await api.post(`/applications/${appId}/rollback`, {});
    expect(rollback.status).toBe(202);
    expect((await waitForOperation(api, rollback.body.data.operation_id)).status).toBe('succeeded');
    expect((await api.get(`/applications/${appId}/actual-state`)).body.data.version).toBe('v1.0.0');
  });

  it('refuses a token signed with another secret', async () => {
    const { mintToken } = await import('@idp/testing');
    const api = apiClient(system.baseUrl, await mintToken({ sub: 'mallory', tenant: 'acme' }));
    expect((await api.get('/applications')).status).toBe(401);
  });
});

describe('every container', () => {
  it('runs as user 1000 on a read-only root filesystem and sees only its own credentials', async () => {
    for (const [service, name] of Object.entries(system.containers)) {
      expect(await podman('exec', name, 'id', '-u')).toBe('1000');
      await expect(podman('exec', name, 'touch', '/written')).rejects.toThrow(/Read-only file system/);
      if (service === 'nats') continue;
      const files = (await podman('exec', name, 'find', '/etc/idp', '-type', 'f')).split('\n').sort();
      const own = [`/etc/idp/gateway.yaml`, `/etc/idp/nats/${service}.creds`];
      if (service === 'auth') own.push('/etc/idp/nats-publisher/seed');
      expect(files).toEqual(own.sort());
      // The HS256 secret reaches auth alone.
      const env = await podman('exec', name, 'env');
      expect(env.includes('IDP_JWT_SECRET=')).toBe(service === 'auth');
    }
  });
});
