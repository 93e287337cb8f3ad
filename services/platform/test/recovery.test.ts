// Operations survive crashes: a killed instance, a restarted nats-server, a runner that keeps dying.
import { EventStoreSubjects } from '@idp/contracts';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlatformHandle } from '../src/platform.js';
import {
  readAggregateEvents,
  seedApp,
  startTestPlatform,
  TestClient,
  waitForOperation,
  waitUntil,
} from '../src/test-support/harness.js';

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

async function start(env = {}, hooks = {}) {
  const p = await startTestPlatform(nats, { env: { IDP_OPERATION_STAGE_MS: 250, ...env }, hooks });
  platforms.push(p);
  return p;
}

async function completedStages(opId: string) {
  const events = await readAggregateEvents(client.nc, EventStoreSubjects.aggregate('t1', 'operation', opId));
  return events.filter((e) => e.type === 'operation.stage_completed').map((e) => e.data.stage);
}

function waitForStage(opId: string, stage: string) {
  return waitUntil(
    async () => {
      const op = await client.data('operations.get', { params: { id: opId } });
      return (
        op.stages.find((s: { name: string; status: string }) => s.name === stage)?.status === 'succeeded'
      );
    },
    10_000,
    `stage ${stage}`,
  );
}

describe('operation recovery', () => {
  it('finishes a deploy exactly once after the instance running it is killed', async () => {
    const first = await start();
    const { app } = await seedApp(client, 'crashy');
    const { operation_id } = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    await waitForStage(operation_id, 'build');
    await first.kill();
    await start();
    const op = await waitForOperation(client, operation_id, 20_000);
    expect(op).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await completedStages(operation_id)).toEqual(['build', 'test', 'deploy', 'verify']);
    expect(await client.data('applications.get', { params: { id: app.id } })).toMatchObject({
      status: 'deployed',
      actual_state: { version: 'v1' },
      deployment_history: [expect.objectContaining({ version: 'v1', operation_id })],
    });
  });

  it('loses nothing when nats-server restarts mid-deploy', async () => {
    await start();
    const { app } = await seedApp(client, 'bouncy');
    const { operation_id } = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    await waitForStage(operation_id, 'build');
    await nats.restart();
    const op = await waitForOperation(client, operation_id, 30_000);
    expect(op.status).toBe('succeeded');
    expect(await completedStages(operation_id)).toEqual(['build', 'test', 'deploy', 'verify']);
    expect((await client.data('applications.get', { params: { id: app.id } })).actual_state.version).toBe(
      'v1',
    );
  });

  it('fails an operation whose runner keeps crashing once it used up its attempts', async () => {
    let crashes = 0;
    await start(
      { IDP_OPERATION_MAX_ATTEMPTS: 3, IDP_OPERATION_STAGE_MS: 50 },
      {
        beforeStage: () => {
          crashes++;
          throw new Error('simulated crash');
        },
      },
    );
    const { app } = await seedApp(client, 'doomed');
    const { operation_id } = await client.data('applications.deploy', { params: { id: app.id }, body: {} });
    const op = await waitForOperation(client, operation_id, 20_000);
    expect(op).toMatchObject({ status: 'failed', attempts: 3 });
    expect(op.error).toMatch(/3 attempts/);
    expect(crashes).toBe(3);
    expect(await client.data('applications.get', { params: { id: app.id } })).toMatchObject({
      status: 'failed',
      active_operation_id: null,
    });
  });
});
