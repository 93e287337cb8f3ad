// The happy path end to end: team → app → desired state → deploy → v2 → rollback, plus resources.
import { EventSubjects, Streams } from '@idp/contracts';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformHandle } from '../src/platform.js';
import {
  type Loose,
  seedApp,
  startTestPlatform,
  TestClient,
  waitForOperation,
  waitUntil,
} from '../src/test-support/harness.js';

let nats: NatsServerHandle;
let platform: PlatformHandle;
let client: TestClient;

beforeAll(async () => {
  nats = await startNatsServer();
  platform = await startTestPlatform(nats);
  client = await TestClient.connect(nats);
});

afterAll(async () => {
  await client?.close();
  await platform?.stop();
  await nats?.cleanup();
});

describe('application lifecycle', () => {
  it('deploys the desired state, then v2, then rolls back to v1', async () => {
    const { app } = await seedApp(client, 'shop');
    const accepted = await client.call('applications.deploy', { params: { id: app.id }, body: {} });
    expect(accepted.status).toBe(202);
    const opId = (accepted.data as { operation_id: string }).operation_id;
    expect(accepted.data).toMatchObject({ status: 'pending', progress: 0 });

    const op = await waitForOperation(client, opId);
    expect(op).toMatchObject({ status: 'succeeded', progress: 100, kind: 'deploy', attempts: 1 });
    expect(op.stages.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'build:succeeded',
      'test:succeeded',
      'deploy:succeeded',
      'verify:succeeded',
    ]);
    const logs = await client.call('operations.logs', { params: { id: opId } });
    expect((logs.data as { message: string }[]).map((l) => l.message)).toContain('All tests passed');
    expect(logs.pagination?.total).toBeGreaterThan(8);

    const actual = await client.data('applications.actualState.get', { params: { id: app.id } });
    expect(actual).toMatchObject({
      version: 'v1',
      replicas: 2,
      env: { LOG_LEVEL: 'info' },
      operation_id: opId,
    });
    expect(await client.data('applications.diff', { params: { id: app.id } })).toEqual({
      in_sync: true,
      changes: [],
    });
    expect(await client.data('applications.get', { params: { id: app.id } })).toMatchObject({
      status: 'deployed',
      active_operation_id: null,
    });

    await client.call('applications.desiredState.put', {
      params: { id: app.id },
      body: { version: 'v2', replicas: 3 },
    });
    const diff = await client.data('applications.diff', { params: { id: app.id } });
    expect(diff.in_sync).toBe(false);
    expect(diff.changes).toContainEqual({ path: '/version', kind: 'changed', desired: 'v2', actual: 'v1' });

    const v2 = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    expect((await waitForOperation(client, v2.operation_id)).status).toBe('succeeded');
    expect(await client.data('applications.actualState.get', { params: { id: app.id } })).toMatchObject({
      version: 'v2',
      replicas: 3,
    });

    const rb = await client.data('applications.rollback', { params: { id: app.id }, body: {} });
    expect(await waitForOperation(client, rb.operation_id)).toMatchObject({
      status: 'succeeded',
      kind: 'rollback',
    });
    const after = await client.data('applications.get', { params: { id: app.id } });
    expect(after.actual_state.version).toBe('v1');
    expect(after.deployment_history.map((h: { version: string }) => h.version)).toEqual(['v1', 'v2', 'v1']);

    const health = await client.data('status.application', { params: { id: app.id } });
    expect(health).toMatchObject({
      application_id: app.id,
      actual_version: 'v1',
      desired_version: 'v2',
      in_sync: false,
      health: 'degraded',
    });
  });

  it('publishes deployment, status and progress events to the events stream', async () => {
    const { app } = await seedApp(client, 'noisy');
    const seen: { subject: string; event: string; data: Loose }[] = [];
    const sub = client.nc.subscribe(EventSubjects.tenantAll('t1'), {
      callback: (_err, msg) => {
        const body = msg.json<{ event: string; data: Loose }>();
        seen.push({ subject: msg.subject, event: body.event, data: body.data });
      },
    });
    const { operation_id } = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    await waitForOperation(client, operation_id);
    await waitUntil(async () => seen.some((e) => e.event === 'operation_completed'));
    sub.unsubscribe();
    const appSubject = EventSubjects.application('t1', app.id);
    const appEvents = seen
      .filter((e) => e.subject === appSubject)
      .map((e) => `${e.event}:${e.data.status ?? ''}`);
    expect(appEvents).toEqual([
      'deployment_started:',
      'status_changed:deploying',
      'status_changed:deployed',
      'deployment_completed:',
    ]);
    const started = seen.find((e) => e.event === 'deployment_started');
    expect(started?.data).toEqual({
      application_id: app.id,
      deployment_id: operation_id,
      version: 'v1',
      stages: ['build', 'test', 'deploy', 'verify'],
    });
    const progress = seen.filter(
      (e) => e.subject === EventSubjects.operation('t1', operation_id) && e.event === 'progress_updated',
    );
    expect(progress.map((e) => e.data.progress)).toContain(100);
    expect(progress.some((e) => (e.data.logs as string[]).includes('All tests passed'))).toBe(true);
    const jsm = await jetstreamManager(client.nc);
    const info = await jsm.streams.info(Streams.events.name);
    expect(info.state.messages).toBeGreaterThan(0);
  });

  it('restarts a deployed application', async () => {
    const { app } = await seedApp(client, 'api');
    const dep = await client.data('applications.deploy', { params: { id: app.id }, body: { version: 'v7' } });
    await waitForOperation(client, dep.operation_id);
    const restart = await client.data('applications.restart', { params: { id: app.id }, body: {} });
    expect(await waitForOperation(client, restart.operation_id)).toMatchObject({
      status: 'succeeded',
      kind: 'restart',
    });
    const got = await client.data('applications.get', { params: { id: app.id } });
    expect(got).toMatchObject({ status: 'deployed', actual_state: { version: 'v7' } });
  });

  it('provisions and deletes a database with tenant and team tags', async () => {
    const team = await client.data('teams.create', { body: { name: 'data' } });
    const accepted = await client.call('resources.create', {
      params: { type: 'databases' },
      body: {
        name: 'orders',
        team_id: team.id,
        labels: { env: 'dev' },
        spec: { engine: 'postgres', size: 's', storage_gb: 10 },
      },
    });
    expect(accepted.status).toBe(202);
    const op = await waitForOperation(client, (accepted.data as { operation_id: string }).operation_id);
    expect(op).toMatchObject({ status: 'succeeded', kind: 'resource_create' });
    const [db] = await client.data<Loose[]>('resources.listByType', {
      params: { type: 'databases' },
    });
    expect(db).toMatchObject({
      type: 'database',
      status: 'ready',
      tier: 'free',
      tags: { tenant: 't1', team: team.id, env: 'dev' },
    });
    expect((await client.error('resources.get', { params: { type: 'caches', id: db?.id } })).code).toBe(
      'NOT_FOUND',
    );

    const del = await client.call('resources.delete', { params: { type: 'databases', id: db?.id } });
    expect(del.status).toBe(202);
    await waitForOperation(client, (del.data as { operation_id: string }).operation_id);
    expect((await client.error('resources.get', { params: { type: 'databases', id: db?.id } })).code).toBe(
      'NOT_FOUND',
    );
    expect(await client.data('resources.list')).toEqual([]);
  });

  it('answers profile, teams, status and metrics', async () => {
    const me = await client.data('users.me.get');
    expect(me).toMatchObject({ id: 'alice', tenant_id: 't1', display_name: null });
    expect(me.teams.length).toBeGreaterThan(0);
    const updated = await client.data('users.me.update', { body: { display_name: 'Alice' } });
    expect(updated.display_name).toBe('Alice');
    const status = await client.data('status.platform');
    expect(status.status).toBe('healthy');
    const metrics = await client.data('metrics.platform');
    expect(metrics.applications.total).toBeGreaterThan(0);
    expect(metrics.operations.by_kind.deploy).toBeGreaterThan(0);
  });
});
