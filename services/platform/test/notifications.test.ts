// `user:notifications`: the initiator of an operation hears, exactly once, that it ended — also when
// the instance finishing it dies between sending the notice and recording the end.
import { EventSubjects, OperationNotificationData } from '@idp/contracts';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import type { PlatformEnv } from '../src/config.js';
import { notificationMsgId } from '../src/operations/notify.js';
import {
  principal,
  readPublicEvents,
  seedApp,
  waitForOperation,
  waitUntil,
} from '../src/test-support/harness.js';
import { platformPerTest } from './platform-per-test.js';

const valid = Compile(OperationNotificationData);

const world = platformPerTest();

async function start(env: Partial<PlatformEnv> = {}) {
  return world.start({ env });
}

const notificationsOf = (sub: string) =>
  readPublicEvents(world.client.nc, EventSubjects.userNotifications('t1', sub));

describe('operation end notifications', () => {
  it('tell the initiator once that a deploy succeeded, and nobody else', async () => {
    await start();
    const { app } = await seedApp(world.client, 'notified');
    const bob = world.client.as(principal('t1', 'bob'));
    const { operation_id } = await bob.data('applications.deploy', { params: { id: app.id }, body: {} });
    await waitForOperation(world.client, operation_id);
    const notes = await waitUntil(async () => {
      const n = await notificationsOf('bob');
      return n.length > 0 && n;
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      event: 'operation_completed',
      data: { operation_id, type: 'deploy', application_id: app.id, status: 'succeeded' },
      msgId: notificationMsgId('t1', operation_id),
    });
    expect(valid.Check(notes[0]!.data)).toBe(true);
    expect(await notificationsOf('alice')).toEqual([]);
  });

  it('tell the initiator once that a deploy was cancelled', async () => {
    await start({ IDP_OPERATION_STAGE_MS: 1000 });
    const { app } = await seedApp(world.client, 'cancelled');
    const { operation_id } = await world.client.data('applications.deploy', {
      params: { id: app.id },
      body: {},
    });
    await world.client.call('operations.cancel', { params: { id: operation_id }, body: {} });
    expect((await waitForOperation(world.client, operation_id)).status).toBe('cancelled');
    const notes = await waitUntil(async () => {
      const n = await notificationsOf('alice');
      return n.length > 0 && n;
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      event: 'operation_cancelled',
      data: { operation_id, status: 'cancelled', message: 'Operation cancelled' },
    });
    expect(valid.Check(notes[0]!.data)).toBe(true);
  });

  it('tell the initiator once when the instance dies after the notice but before recording the end', async () => {
    const first = await start();
    const store = first.deps.store;
    const append = store.append.bind(store);
    let crashed = false;
    store.append = async (event, expectedSeq) => {
      if (event.type === 'operation.succeeded' && !crashed) {
        crashed = true;
        await first.kill();
        throw new Error('crashed before recording the end');
      }
      return append(event, expectedSeq);
    };
    const { app } = await seedApp(world.client, 'crashy');
    const { operation_id } = await world.client.data('applications.deploy', {
      params: { id: app.id },
      body: {},
    });
    await waitUntil(async () => crashed, 15_000, 'the crash');
    await start();
    const op = await waitForOperation(world.client, operation_id, 20_000);
    expect(op).toMatchObject({ status: 'succeeded', attempts: 2 });
    // Give a stray duplicate the time to land before counting.
    await new Promise((r) => setTimeout(r, 300));
    const notes = await notificationsOf('alice');
    expect(notes.map((n) => `${n.event}:${n.data.operation_id}`)).toEqual([
      `operation_completed:${operation_id}`,
    ]);
  });

  it('tell the initiator that a resource was created', async () => {
    await start();
    const team = await world.client.data('teams.create', { body: { name: 'team-res' } });
    const accepted = await world.client.data('resources.create', {
      params: { type: 'caches' },
      body: { name: 'sessions', team_id: team.id, spec: { engine: 'redis', size: 's' } },
    });
    const op = await waitForOperation(world.client, accepted.operation_id);
    const notes = await waitUntil(async () => {
      const n = await notificationsOf('alice');
      return n.length > 0 && n;
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.data).toEqual({
      operation_id: accepted.operation_id,
      type: 'resource_create',
      resource_id: op.target.id,
      status: 'succeeded',
      message: 'resource_create completed',
    });
  });

  it('tell the initiator once that an operation failed', async () => {
    await world.start({
      env: { IDP_OPERATION_MAX_ATTEMPTS: 1 },
      hooks: {
        beforeStage: () => {
          throw new Error('the runner dies in every stage');
        },
      },
    });
    const { app } = await seedApp(world.client, 'doomed');
    const { operation_id } = await world.client.data('applications.deploy', {
      params: { id: app.id },
      body: {},
    });
    expect((await waitForOperation(world.client, operation_id)).status).toBe('failed');
    const notes = await waitUntil(async () => {
      const n = await notificationsOf('alice');
      return n.length > 0 && n;
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      event: 'operation_failed',
      data: { operation_id, status: 'failed', message: 'Operation failed after 1 attempts' },
    });
    expect(valid.Check(notes[0]!.data)).toBe(true);
  });
});
