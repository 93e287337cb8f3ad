import { describe, expect, it } from 'vitest';
import { applyResource } from './resource.js';
import { AggregateTypes, makeEvent } from './stored-event.js';

const ref = { tenant_id: 't1', aggregate: AggregateTypes.resource, id: 'db_1', by: 'alice' };

describe('resource fold', () => {
  it('is provisioning with its operation, then ready, then updated', () => {
    let r = applyResource(
      undefined,
      makeEvent(ref, 'resource.created', {
        type: 'database',
        team_id: 'team_1',
        name: 'orders',
        description: '',
        tier: 'free',
        spec: { engine: 'postgres', size: 's', storage_gb: 10 },
        tags: { tenant: 't1', team: 'team_1' },
        operation_id: 'op_1',
      }),
    );
    expect(r).toMatchObject({ status: 'provisioning', active_operation_id: 'op_1', version: 1 });
    r = applyResource(
      r,
      makeEvent(ref, 'resource.status_changed', { status: 'ready' as const, operation_id: null }),
    );
    expect(r).toMatchObject({ status: 'ready', active_operation_id: null, version: 2 });
    r = applyResource(r, makeEvent(ref, 'resource.updated', { tier: 'pro' }));
    expect(r).toMatchObject({ tier: 'pro', version: 3, spec: { size: 's' } });
  });
});
