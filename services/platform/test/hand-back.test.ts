// A graceful stop hands a running operation back (issue 10, item 7; issue 11): the work item is queued
// again at once, so another instance resumes it long before ack_wait would have, in the same attempt
// (a stop is no failure of the operation's), never failing it, and repeating no public event.
import { EventStoreSubjects, EventSubjects } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import {
  readAggregateEvents,
  readPublicEvents,
  seedApp,
  waitForOperation,
  waitUntil,
} from '../src/test-support/harness.js';
import { platformPerTest } from './platform-per-test.js';

// Far longer than the test waits: only a hand-back (not an expired ack) can move the operation.
const ACK_WAIT_MS = 60_000;

const world = platformPerTest();

async function start() {
  return world.start({
    env: { IDP_OPERATION_STAGE_MS: 400, IDP_OPERATION_ACK_WAIT_MS: ACK_WAIT_MS },
  });
}

describe('graceful stop of the instance running an operation', () => {
  it('hands the operation to another instance, which finishes it without repeating an event', async () => {
    const first = await start();
    const { app } = await seedApp(world.client, 'handed');
    const { operation_id } = await world.client.data('applications.deploy', {
      params: { id: app.id },
      body: {},
    });
    // In the middle of a stage on the first instance (the only one yet).
    await waitUntil(
      async () => {
        const op = await world.client.data('operations.get', { params: { id: operation_id } });
        return op.stages.some((s: { status: string }) => s.status === 'succeeded');
      },
      10_000,
      'a completed stage',
    );
    await start();
    await first.stop();
    world.platforms.splice(world.platforms.indexOf(first), 1);

    const op = await waitForOperation(world.client, operation_id, ACK_WAIT_MS / 2);
    expect(op).toMatchObject({ status: 'succeeded', attempts: 1 });
    const stored = await readAggregateEvents(
      world.client.nc,
      EventStoreSubjects.aggregate('t1', 'operation', operation_id),
    );
    expect(stored.map((e) => e.type)).not.toContain('operation.failed');
    expect(stored.filter((e) => e.type === 'operation.started')).toHaveLength(1);
    const stages = stored.filter((e) => e.type === 'operation.stage_completed').map((e) => e.data.stage);
    expect(stages).toEqual(['build', 'test', 'deploy', 'verify']);

    const published = await readPublicEvents(world.client.nc, EventSubjects.operation('t1', operation_id));
    expect(published.map((e) => e.event)).not.toContain('operation_failed');
    const said = published.map((e) => `${e.event}: ${e.data.message ?? ''}`);
    expect(said).toEqual([...new Set(said)]);
    expect(said.at(-1)).toBe('operation_completed: ');
  });
});
