// `user:notifications`: the initiator of an operation hears, exactly once, that it ended — also when
// the instance finishing it dies between sending the notice and recording the end.
import { EventSubjects, OperationNotificationData } from '@idp/contracts';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { Compile } from 'typebox/compile';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlatformEnv } from '../src/config.js';
import { notificationMsgId } from '../src/operations/notify.js';
import type { PlatformHandle } from '../src/platform.js';
import {
  principal,
  readPublicEvents,
  seedApp,
  startTestPlatform,
  TestClient,
  waitForOperation,
  waitUntil,
} from '../src/test-support/harness.js';

const valid = Compile(OperationNotificationData);

let nats: NatsServerHandle;
let client: TestClient;
const platforms: PlatformHandle[] = [];

beforeEach(async () => {
  nats = await startNatsServer();
  client = await TestClient.connect(nats);
});

afterEach(async () => {
  await client?.close();
  for (const p of platforms.splice(0)) await p.stop().catch(() => undefined);
  await nats?.cleanup();
});

async function start(env: Partial<PlatformEnv> = {}) {
  const p = await startTestPlatform(nats, { env });
  platforms.push(p);
  return p;
}

const notificationsOf = (sub: string) =>
  readPublicEvents(client.nc, EventSubjects.userNotifications('t1', sub));

describe('operation end notifications', () => {
  it('tell the initiator once that a deploy succeeded, and nobody else', async () => {
    await start();
    const { app } = await seedApp(client, 'notified');
    const bob = client.as(principal('t1', 'bob'));
    const { operation_id } = await bob.data('applications.deploy', { params: { id: app.id }, body: {} });
    await waitForOperation(client, operation_id);
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
    const { app } = await seedApp(client, 'cancelled');
    const { operation_id } = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    await client.call('operations.cancel', { params: { id: operation_id }, body: {} });
    expect((await waitForOperation(client, operation_id)).status).toBe('cancelled');
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
    const { app } = await seedApp(client, 'crashy');
    const { operation_id } = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    await waitUntil(async () => crashed, 15_000, 'the crash');
    await start();
    const op = await waitForOperation(client, operation_id, 20_000);
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
    const team = await client.data('teams.create', { body: { name: 'team-res' } });
    const accepted = await client.data('resources.create', {
      params: { type: 'caches' },
      body: { name: 'sessions', team_id: team.id, spec: { engine: 'redis', size: 's' } },
    });
    const op = await waitForOperation(client, accepted.operation_id);
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
    const p = await startTestPlatform(nats, {
      env: { IDP_OPERATION_MAX_ATTEMPTS: 1 },
      hooks: {
        beforeStage: () => {
          throw new Error('the runner dies in every stage');
        },
      },
    });
    platforms.push(p);
    const { app } = await seedApp(client, 'doomed');
    const { operation_id } = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    expect((await waitForOperation(client, operation_id)).status).toBe('failed');
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
