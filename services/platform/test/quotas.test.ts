// Per-tenant quotas: creates past a quota answer 403 QUOTA_EXCEEDED, and usage is reported.
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformHandle } from '../src/platform.js';
import { principal, startTestPlatform, TestClient } from '../src/test-support/harness.js';

let nats: NatsServerHandle;
let platform: PlatformHandle;
let small: TestClient;
let big: TestClient;

beforeAll(async () => {
  nats = await startNatsServer();
  platform = await startTestPlatform(nats, {
    quotas: (tenant) =>
      tenant === 'small'
        ? { tier: 'free', quota: { applications: 2, teams: 1, resources: 5, max_resource_tier: 'free' } }
        : { tier: null, quota: {} },
  });
  small = await TestClient.connect(nats, principal('small'));
  big = small.as(principal('big'));
});
afterAll(async () => {
  await small?.close();
  await platform?.stop();
  await nats?.cleanup();
});

describe('quotas', () => {
  it('refuses the create that would pass a count quota, naming it', async () => {
    const team = await small.data('teams.create', { body: { name: 'only' } });
    const second = await small.error('teams.create', { body: { name: 'second' } });
    expect(second).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      status: 403,
      details: { quota: 'teams', limit: 1, used: 1, tier: 'free' },
    });

    await small.data('applications.create', { body: { name: 'a1', team_id: team.id } });
    await small.data('applications.create', { body: { name: 'a2', team_id: team.id } });
    const third = await small.error('applications.create', { body: { name: 'a3', team_id: team.id } });
    expect(third).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'applications', limit: 2, used: 2 },
    });

    const usage = await small.data('quotas.get');
    expect(usage).toMatchObject({
      tier: 'free',
      applications: { used: 2, limit: 2 },
      teams: { used: 1, limit: 1 },
    });
  });

  it('refuses resources above the tenant’s plan', async () => {
    const team = (await small.data<Array<{ id: string }>>('teams.list'))[0]!;
    const error = await small.error('resources.create', {
      params: { type: 'databases' },
      body: {
        name: 'big-db',
        team_id: team.id,
        tier: 'pro',
        spec: { engine: 'postgres', size: 'l', storage_gb: 50 },
      },
    });
    expect(error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'max_resource_tier', limit: 'free', requested: 'pro' },
    });
  });

  it('leaves other tenants alone', async () => {
    const team = await big.data('teams.create', { body: { name: 'one' } });
    await big.data('teams.create', { body: { name: 'two' } });
    for (const name of ['b1', 'b2', 'b3'])
      await big.data('applications.create', { body: { name, team_id: team.id } });
    expect(await big.data('quotas.get')).toMatchObject({
      tier: null,
      applications: { used: 3, limit: null },
    });
  });
});
