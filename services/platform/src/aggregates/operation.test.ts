import { describe, expect, it } from 'vitest';
import { applyOperation, type OperationEvent, type OperationState } from './operation.js';
import { AggregateTypes, makeEvent } from './stored-event.js';

const ref = { tenant_id: 't1', aggregate: AggregateTypes.operation, id: 'op_1', by: 'alice' };
const ev = <E extends OperationEvent>(type: E['type'], data: E['data']) =>
  makeEvent(ref, type, data) as OperationEvent;
const fold = (events: OperationEvent[]) =>
  events.reduce<OperationState | undefined>((s, e) => applyOperation(s, e), undefined);

const created = ev('operation.created', {
  kind: 'restart',
  target: { type: 'application', id: 'app_1' },
  team_id: 'team_1',
  params: {},
  stages: ['drain', 'restart', 'verify'],
  estimated_completion: null,
});

describe('operation fold', () => {
  it('starts pending with pending stages', () => {
    const op = fold([created]);
    expect(op).toMatchObject({
      status: 'pending',
      progress: 0,
      attempts: 0,
      current_stage: null,
      cancel_requested: false,
    });
    expect(op?.stages.map((s) => s.status)).toEqual(['pending', 'pending', 'pending']);
  });

  it('tracks attempts, stages, progress and logs', () => {
    const op = fold([
      created,
      ev('operation.started', { attempt: 1, instance: 'a' }),
      ev('operation.stage_started', { stage: 'drain' }),
      ev('operation.stage_completed', { stage: 'drain', logs: ['Connections drained'] }),
      ev('operation.started', { attempt: 2, instance: 'b' }),
      ev('operation.stage_started', { stage: 'restart' }),
    ]);
    expect(op).toMatchObject({ status: 'in_progress', attempts: 2, current_stage: 'restart', progress: 33 });
    expect(op?.stages.map((s) => s.status)).toEqual(['succeeded', 'in_progress', 'pending']);
    expect(op?.logs.map((l) => l.message)).toContain('Connections drained');
  });

  it('ends succeeded at 100 percent', () => {
    const op = fold([
      created,
      ev('operation.started', { attempt: 1, instance: 'a' }),
      ...['drain', 'restart', 'verify'].map((stage) => ev('operation.stage_completed', { stage, logs: [] })),
      ev('operation.succeeded', { message: 'done' }),
    ]);
    expect(op).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(op?.completed_at).not.toBeNull();
  });

  it('records cancellation and marks the running stage cancelled', () => {
    const op = fold([
      created,
      ev('operation.started', { attempt: 1, instance: 'a' }),
      ev('operation.stage_started', { stage: 'drain' }),
      ev('operation.cancel_requested', { reason: 'oops' }),
      ev('operation.cancelled', {}),
    ]);
    expect(op).toMatchObject({ status: 'cancelled', cancel_requested: true });
    expect(op?.stages[0]?.status).toBe('cancelled');
  });

  it('records the error of a failure', () => {
    const op = fold([created, ev('operation.failed', { error: 'boom' })]);
    expect(op).toMatchObject({ status: 'failed', error: 'boom' });
  });
});
