// Operations survive crashes: a killed instance, a restarted nats-server, a runner that keeps dying;
// only the crashes cost attempts.
import { EventStoreSubjects } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { readAggregateEvents, seedApp, waitForOperation, waitUntil } from '../src/test-support/harness.js';
import { platformPerTest } from './platform-per-test.js';

const world = platformPerTest();

async function start(env = {}, hooks = {}) {
  return world.start({ env: { IDP_OPERATION_STAGE_MS: 250, ...env }, hooks });
}

async function completedStages(opId: string) {
  const events = await readAggregateEvents(
    world.client.nc,
    EventStoreSubjects.aggregate('t1', 'operation', opId),
  );
  return events.filter((e) => e.type === 'operation.stage_completed').map((e) => e.data.stage);
}

function waitForStage(opId: string, stage: string) {
  return waitUntil(
    async () => {
      const op = await world.client.data('operations.get', { params: { id: opId } });
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
    const { app } = await seedApp(world.client, 'crashy');
    const { operation_id } = await world.client.data('applications.deploy', {
      params: { id: app.id },
      body: {},
    });
    await waitForStage(operation_id, 'build');
    await first.kill();
    await start();
    const op = await waitForOperation(world.client, operation_id, 20_000);
    expect(op).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await completedStages(operation_id)).toEqual(['build', 'test', 'deploy', 'verify']);
    expect(await world.client.data('applications.get', { params: { id: app.id } })).toMatchObject({
      status: 'deployed',
      actual_state: { version: 'v1' },
      deployment_history: [expect.objectContaining({ version: 'v1', operation_id })],
    });
  });

  it('loses nothing when nats-server restarts mid-deploy', async () => {
    await start();
    const { app } = await seedApp(world.client, 'bouncy');
    const { operation_id } = await world.client.data('applications.deploy', {
      params: { id: app.id },
      body: {},
    });
    await waitForStage(operation_id, 'build');
    await world.nats.restart();
    // Inside the test's 20 s: a restart costs a few seconds (the first publish after it times out),
    // never an ack_wait-sized back-off of a consumer, so a slow recovery fails here with its reason.
    const op = await waitForOperation(world.client, operation_id, 15_000);
    // The restart was no failure of the operation's: it keeps its one attempt.
    expect(op).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await completedStages(operation_id)).toEqual(['build', 'test', 'deploy', 'verify']);
    expect(
      (await world.client.data('applications.get', { params: { id: app.id } })).actual_state.version,
    ).toBe('v1');
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
    const { app } = await seedApp(world.client, 'doomed');
    const { operation_id } = await world.client.data('applications.deploy', {
      params: { id: app.id },
      body: {},
    });
    const op = await waitForOperation(world.client, operation_id, 20_000);
    expect(op).toMatchObject({ status: 'failed', attempts: 3 });
    expect(op.error).toMatch(/3 attempts/);
    expect(crashes).toBe(3);
    expect(await world.client.data('applications.get', { params: { id: app.id } })).toMatchObject({
      status: 'failed',
      active_operation_id: null,
    });
  });
});
