import { Registry } from '@idp/service-kit';
import { describe, expect, it } from 'vitest';
import { AggregateTypes, makeEvent, type StoredEvent } from './aggregates/stored-event.js';
import { WrongSequenceError } from './event-store.js';
import { createPlatformMetrics } from './metrics.js';
import { ReadModel } from './projection/read-model.js';

const op = (tenant: string, id: string) => ({
  tenant_id: tenant,
  aggregate: AggregateTypes.operation,
  id,
  by: 'u1',
});
const createdEvent = (tenant: string, id: string, kind: string) =>
  makeEvent(op(tenant, id), 'operation.created', {
    kind,
    target: { type: 'application', id: 'app_1' },
    team_id: 'team_1',
    params: {},
    stages: ['build'],
    estimated_completion: null,
  });

async function values(registry: Registry, name: string) {
  return (await registry.getSingleMetric(name)!.get()).values.map((v) => ({ ...v.labels, value: v.value }));
}

describe('platform metrics', () => {
  it('reports operations by state and kind from the read model at scrape time, all tenants together', async () => {
    const model = new ReadModel();
    const registry = new Registry();
    createPlatformMetrics(registry, () => model);
    model.apply(createdEvent('t1', 'op_1', 'deploy'), 1);
    model.apply(createdEvent('t2', 'op_2', 'deploy'), 2);
    model.apply(createdEvent('t2', 'op_3', 'restart'), 3);
    model.apply(makeEvent(op('t2', 'op_3'), 'operation.succeeded', { message: 'ok' }), 4);
    expect(await values(registry, 'idp_platform_operations')).toEqual([
      { state: 'pending', kind: 'deploy', value: 2 },
      { state: 'succeeded', kind: 'restart', value: 1 },
    ]);
    model.apply(makeEvent(op('t1', 'op_1'), 'operation.failed', { error: 'no' }), 5);
    // Recomputed on each scrape: a state nobody is in any more disappears.
    expect(await values(registry, 'idp_platform_operations')).toEqual([
      { state: 'failed', kind: 'deploy', value: 1 },
      { state: 'pending', kind: 'deploy', value: 1 },
      { state: 'succeeded', kind: 'restart', value: 1 },
    ]);
  });

  it('counts appends by outcome, and operations started and ended by the appends that start and end them', async () => {
    const model = new ReadModel();
    const registry = new Registry();
    let conflict = false;
    const store = {
      async append(event: StoredEvent<string, unknown>, _expected: number): Promise<number> {
        if (conflict) throw new WrongSequenceError('moved');
        model.apply(event as StoredEvent, 1);
        return 1;
      },
    };
    createPlatformMetrics(registry, () => model).countAppends(store);
    await store.append(createdEvent('t1', 'op_1', 'deploy'), 0);
    await store.append(makeEvent(op('t1', 'op_1'), 'operation.started', { attempt: 1, instance: 'p1' }), 1);
    await store.append(makeEvent(op('t1', 'op_1'), 'operation.succeeded', { message: 'ok' }), 2);
    conflict = true;
    await expect(store.append(createdEvent('t1', 'op_2', 'restart'), 0)).rejects.toBeInstanceOf(
      WrongSequenceError,
    );
    expect(await values(registry, 'idp_platform_event_store_appends_total')).toEqual([
      { aggregate: 'operation', outcome: 'ok', value: 3 },
      { aggregate: 'operation', outcome: 'conflict', value: 1 },
    ]);
    expect(await values(registry, 'idp_platform_operations_started_total')).toEqual([
      { kind: 'deploy', value: 1 },
    ]);
    expect(await values(registry, 'idp_platform_operations_ended_total')).toEqual([
      { kind: 'deploy', state: 'succeeded', value: 1 },
    ]);
  });
});
