// The resource health monitor: provisioned resources get a health event per interval on their
// `resource:<id>:health` topic, and several instances still store one per resource and interval.
import { EventSubjects, HealthCheckData } from '@idp/contracts';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import type { PlatformEnv } from '../src/config.js';
import { simulateCheck } from '../src/health/check.js';
import { type Loose, readPublicEvents, waitForOperation, waitUntil } from '../src/test-support/harness.js';
import { platformPerTest } from './platform-per-test.js';

const INTERVAL = 250;
const valid = Compile(HealthCheckData);

const world = platformPerTest();

async function start(env: Partial<PlatformEnv>) {
  return world.start({ env });
}

/** A database, provisioned (ready) before the monitor is asked about it. */
async function provisionedDatabase(name: string): Promise<string> {
  const team = await world.client.data('teams.create', { body: { name: `team-${name}` } });
  const accepted = await world.client.data('resources.create', {
    params: { type: 'databases' },
    body: { name, team_id: team.id, spec: { engine: 'postgres', size: 's', storage_gb: 10 } },
  });
  const op = await waitForOperation(world.client, accepted.operation_id);
  expect(op.status).toBe('succeeded');
  return op.target.id;
}

const monitorEvents = async (resourceId: string) =>
  (await readPublicEvents(world.client.nc, EventSubjects.resource('t1', resourceId, 'health'))).filter((e) =>
    e.msgId?.startsWith('health:'),
  );

function eventsOn(resourceId: string, count: number) {
  return waitUntil(
    async () => {
      const events = await monitorEvents(resourceId);
      return events.length >= count && events;
    },
    10_000,
    `${count} health events of ${resourceId}`,
  );
}

describe('resource health monitor', () => {
  it('publishes health_check_failed when every check fails', async () => {
    await start({ IDP_HEALTH_CHECK_INTERVAL_MS: INTERVAL, IDP_HEALTH_CHECK_FAILURE_RATE: 1 });
    const id = await provisionedDatabase('orders');
    const events = await eventsOn(id, 2);
    for (const e of events) {
      expect(e.event).toBe('health_check_failed');
      expect(e.data).toMatchObject({
        resource_id: id,
        resource_type: 'database',
        health_status: 'unhealthy',
      });
      expect(valid.Check(e.data), JSON.stringify(e.data)).toBe(true);
    }
  });

  it('publishes health_check_passed when no check fails', async () => {
    await start({ IDP_HEALTH_CHECK_INTERVAL_MS: INTERVAL, IDP_HEALTH_CHECK_FAILURE_RATE: 0 });
    const id = await provisionedDatabase('cache-db');
    const events = await eventsOn(id, 2);
    for (const e of events) {
      expect(e.event).toBe('health_check_passed');
      expect(e.data as Loose).toMatchObject({ resource_id: id, health_status: 'healthy' });
      expect(valid.Check(e.data)).toBe(true);
    }
  });

  it('stores one event per resource and interval however many instances check', async () => {
    const env = { IDP_HEALTH_CHECK_INTERVAL_MS: INTERVAL, IDP_HEALTH_CHECK_FAILURE_RATE: 0.5 };
    await start(env);
    await start(env);
    await start(env);
    const id = await provisionedDatabase('shared');
    const from = Date.now();
    await eventsOn(id, 6);
    const events = await monitorEvents(id);
    const ticks = events.map((e) => Number(e.msgId!.split(':').at(-1)));
    expect(new Set(ticks).size).toBe(ticks.length);
    // Three instances without deduplication would store about three per interval.
    expect(events.length).toBeLessThanOrEqual(Math.ceil((Date.now() - from) / INTERVAL) + 2);
    // Whichever instance's copy was kept, it is the result every instance computes for that interval.
    for (const [i, e] of events.entries())
      expect(e.event).toBe(
        simulateCheck({ id, tenant_id: 't1', type: 'database' }, ticks[i]!, 0.5, new Date()).event,
      );
  });

  it('checks nothing when the interval is 0', async () => {
    await start({ IDP_HEALTH_CHECK_INTERVAL_MS: 0, IDP_HEALTH_CHECK_FAILURE_RATE: 1 });
    const id = await provisionedDatabase('quiet');
    await new Promise((r) => setTimeout(r, INTERVAL * 3));
    expect(await monitorEvents(id)).toEqual([]);
  });
});
