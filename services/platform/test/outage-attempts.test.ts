// A NATS outage is nobody's fault (issue 11): an operation in flight while nats-server is away for
// longer than ack_wait × max attempts still succeeds afterwards, runs each stage once, and the
// attempts it reports do not count the outage, with one instance or with several.
import { EventStoreSubjects } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { sleep } from '../src/event-store.js';
import { readAggregateEvents, seedApp, waitForOperation, waitUntil } from '../src/test-support/harness.js';
import { platformPerTest } from './platform-per-test.js';

const ACK_WAIT_MS = 1000;
const MAX_ATTEMPTS = 2;
// Well past ack_wait × max attempts: had each expired ack_wait cost an attempt, the operation would fail.
const OUTAGE_MS = 3 * ACK_WAIT_MS * MAX_ATTEMPTS;
const ENV = {
  IDP_OPERATION_STAGE_MS: 400,
  IDP_OPERATION_ACK_WAIT_MS: ACK_WAIT_MS,
  IDP_OPERATION_MAX_ATTEMPTS: MAX_ATTEMPTS,
};
/** The stage busy with its own work (say, a call to a cloud API) while NATS goes away and comes back. */
const BUSY_STAGE = 'test';

const world = platformPerTest();

function storedEvents(opId: string) {
  return readAggregateEvents(world.client.nc, EventStoreSubjects.aggregate('t1', 'operation', opId));
}

async function deployThroughOutage(instances: number) {
  let busy = false;
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const hooks = {
    beforeStage: async (_op: unknown, stage: string) => {
      if (stage !== BUSY_STAGE) return;
      busy = true;
      await held;
    },
  };
  for (let i = 0; i < instances; i++) await world.start({ env: ENV, hooks });
  const { app } = await seedApp(world.client, 'outaged');
  const { operation_id } = await world.client.data('applications.deploy', {
    params: { id: app.id },
    body: {},
  });
  await waitUntil(async () => busy, 10_000, `stage ${BUSY_STAGE} to be busy`);
  await world.nats.stop();
  await sleep(OUTAGE_MS);
  await world.nats.restart();
  // The stage still works a while after NATS is back: longer than ack_wait, so only renewals that do
  // not wait for the run's next step keep JetStream from handing the operation to another run.
  await sleep(3 * ACK_WAIT_MS);
  release();
  return { app, operation_id };
}

async function expectSucceededOnce(appId: string, operationId: string) {
  const op = await waitForOperation(world.client, operationId, 30_000);
  expect(op).toMatchObject({ status: 'succeeded', attempts: 1 });
  const stored = await storedEvents(operationId);
  expect(stored.filter((e) => e.type === 'operation.started')).toHaveLength(1);
  const stages = stored.filter((e) => e.type === 'operation.stage_completed').map((e) => e.data.stage);
  expect(stages).toEqual(['build', 'test', 'deploy', 'verify']);
  expect(await world.client.data('applications.get', { params: { id: appId } })).toMatchObject({
    status: 'deployed',
    active_operation_id: null,
    actual_state: { version: 'v1' },
  });
}

describe('an operation in flight during a NATS outage', () => {
  it('succeeds afterwards on its only instance, each stage once, no attempt spent', async () => {
    const { app, operation_id } = await deployThroughOutage(1);
    await expectSucceededOnce(app.id, operation_id);
  }, 60_000);

  it('succeeds afterwards with two instances, each stage once, no attempt spent', async () => {
    const { app, operation_id } = await deployThroughOutage(2);
    await expectSucceededOnce(app.id, operation_id);
  }, 60_000);
});
