// Every write route with bad input answers the right 4xx code.

import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformHandle } from '../src/platform.js';
import { seedApp, startTestPlatform, TestClient, waitForOperation } from '../src/test-support/harness.js';

let nats: NatsServerHandle;
let platform: PlatformHandle;
let client: TestClient;

beforeAll(async () => {
  nats = await startNatsServer();
  platform = await startTestPlatform(nats, { env: { IDP_OPERATION_STAGE_MS: 150 } });
  client = await TestClient.connect(nats);
});

afterAll(async () => {
  await client?.close();
  await platform?.stop();
  await nats?.cleanup();
});

describe('write routes refuse bad input', () => {
  it('needs an existing team to create an application', async () => {
    const error = await client.error('applications.create', {
      body: { name: 'orphan', team_id: 'team_nope' },
    });
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details).toMatchObject({ field: 'team_id' });
  });

  it('refuses a duplicate application name in one tenant', async () => {
    await seedApp(client, 'dup');
    const team = await client.data('teams.create', { body: { name: 'other' } });
    expect(
      (await client.error('applications.create', { body: { name: 'dup', team_id: team.id } })).code,
    ).toBe('CONFLICT');
  });

  it('answers 404 for unknown ids on every kind of route', async () => {
    const params = { id: 'app_unknown' };
    expect((await client.error('applications.get', { params })).code).toBe('NOT_FOUND');
    expect((await client.error('applications.update', { params, body: { description: 'x' } })).code).toBe(
      'NOT_FOUND',
    );
    expect((await client.error('applications.deploy', { params, body: {} })).code).toBe('NOT_FOUND');
    expect(
      (await client.error('applications.desiredState.put', { params, body: { version: 'v1', replicas: 1 } }))
        .code,
    ).toBe('NOT_FOUND');
    expect((await client.error('operations.cancel', { params: { id: 'op_unknown' }, body: {} })).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await client.error('teams.members.add', { params: { id: 'team_unknown' }, body: { user_id: 'bob' } }))
        .code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await client.error('resources.update', {
          params: { type: 'caches', id: 'cache_x' },
          body: { description: 'x' },
        })
      ).code,
    ).toBe('NOT_FOUND');
  });

  it('reports 404 for desired and actual state that do not exist yet', async () => {
    const team = await client.data('teams.create', { body: { name: 'bare' } });
    const app = await client.data('applications.create', { body: { name: 'bare', team_id: team.id } });
    expect((await client.error('applications.desiredState.get', { params: { id: app.id } })).code).toBe(
      'NOT_FOUND',
    );
    expect((await client.error('applications.actualState.get', { params: { id: app.id } })).code).toBe(
      'NOT_FOUND',
    );
    const deploy = await client.error('applications.deploy', { params: { id: app.id }, body: {} });
    expect(deploy.code).toBe('VALIDATION_ERROR');
    expect((await client.error('applications.restart', { params: { id: app.id }, body: {} })).code).toBe(
      'CONFLICT',
    );
    expect((await client.error('applications.rollback', { params: { id: app.id }, body: {} })).code).toBe(
      'CONFLICT',
    );
  });

  it('refuses a stale If-Match with both versions', async () => {
    const { app } = await seedApp(client, 'etag');
    const current = await client.call('applications.get', { params: { id: app.id } });
    await client.call('applications.update', {
      params: { id: app.id },
      body: { description: 'a' },
      if_match: current.etag,
    });
    const error = await client.error('applications.update', {
      params: { id: app.id },
      body: { description: 'b' },
      if_match: current.etag,
    });
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ expected: current.etag, actual: String(Number(current.etag) + 1) });
  });

  it('enforces tier rules and pipeline references', async () => {
    const team = await client.data('teams.create', { body: { name: 'tiers' } });
    const xl = await client.error('resources.create', {
      params: { type: 'databases' },
      body: {
        name: 'big',
        team_id: team.id,
        tier: 'free',
        spec: { engine: 'postgres', size: 'xl', storage_gb: 10 },
      },
    });
    expect(xl.code).toBe('VALIDATION_ERROR');
    expect(xl.message).toBe("Size 'xl' is not allowed for free tier");
    expect(xl.details).toEqual({ field: 'spec.size', reason: "Size 'xl' is not allowed for free tier" });
    const pipe = await client.error('resources.create', {
      params: { type: 'ci-pipelines' },
      body: {
        name: 'ci',
        team_id: team.id,
        spec: { repository_id: 'repo_missing', trigger: 'push', runner_size: 's' },
      },
    });
    expect(pipe.details).toMatchObject({ field: 'spec.repository_id' });
    const sched = await client.error('resources.create', {
      params: { type: 'ci-pipelines' },
      body: {
        name: 'ci',
        team_id: team.id,
        spec: { repository_id: 'repo_missing', trigger: 'schedule', runner_size: 's' },
      },
    });
    expect(sched.details).toMatchObject({ field: 'spec.schedule' });
    const noTeam = await client.error('resources.create', {
      params: { type: 'caches' },
      body: { name: 'c', team_id: 'team_missing', spec: { engine: 'redis', size: 's' } },
    });
    expect(noTeam.details).toMatchObject({ field: 'team_id' });
  });

  it('refuses a second operation, deleting a busy app, and cancelling a finished operation', async () => {
    const { app } = await seedApp(client, 'busy');
    const first = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    expect((await client.error('applications.deploy', { params: { id: app.id }, body: {} })).code).toBe(
      'CONFLICT',
    );
    expect((await client.error('applications.delete', { params: { id: app.id } })).code).toBe('CONFLICT');
    await waitForOperation(client, first.operation_id);
    const cancel = await client.error('operations.cancel', { params: { id: first.operation_id }, body: {} });
    expect(cancel.code).toBe('CONFLICT');
    const rollback = await client.error('applications.rollback', { params: { id: app.id }, body: {} });
    expect(rollback.code).toBe('CONFLICT');
    const never = await client.error('applications.rollback', {
      params: { id: app.id },
      body: { version: 'v9' },
    });
    expect(never.code).toBe('VALIDATION_ERROR');
    await client.call('applications.delete', { params: { id: app.id } });
    expect((await client.error('applications.get', { params: { id: app.id } })).code).toBe('NOT_FOUND');
  });

  it('refuses adding an existing team member', async () => {
    const team = await client.data('teams.create', { body: { name: 'members' } });
    await client.call('teams.members.add', { params: { id: team.id }, body: { user_id: 'bob' } });
    expect(
      (await client.error('teams.members.add', { params: { id: team.id }, body: { user_id: 'bob' } })).code,
    ).toBe('CONFLICT');
    expect(
      (await client.error('teams.members.add', { params: { id: team.id }, body: { user_id: 'alice' } })).code,
    ).toBe('CONFLICT');
    const members = await client.call('teams.members.list', { params: { id: team.id } });
    expect(members.pagination?.total).toBe(2);
  });

  it('cancels a running deploy and restores the application status', async () => {
    const { app } = await seedApp(client, 'cancel-me');
    const op = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    await new Promise((r) => setTimeout(r, 200));
    const cancelled = await client.data('operations.cancel', {
      params: { id: op.operation_id },
      body: { reason: 'changed my mind' },
    });
    expect(cancelled.cancel_requested).toBe(true);
    expect(await waitForOperation(client, op.operation_id)).toMatchObject({ status: 'cancelled' });
    expect(await client.data('applications.get', { params: { id: app.id } })).toMatchObject({
      status: 'created',
      active_operation_id: null,
    });
  });

  it('answers NOT_FOUND for a route it does not serve', async () => {
    expect((await client.error('users.me.permissions')).code).toBe('NOT_FOUND');
  });
});
