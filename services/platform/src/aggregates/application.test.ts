import { StoredDataLimits } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { type ApplicationEvent, type ApplicationState, applyApplication } from './application.js';
import { AggregateTypes, makeEvent } from './stored-event.js';

const ref = { tenant_id: 't1', aggregate: AggregateTypes.application, id: 'app_1', by: 'alice' };
const ev = <E extends ApplicationEvent>(type: E['type'], data: E['data']) =>
  makeEvent(ref, type, data) as ApplicationEvent;
const fold = (events: ApplicationEvent[]) =>
  events.reduce<ApplicationState | undefined>((s, e) => applyApplication(s, e), undefined);

const created = ev('application.created', {
  team_id: 'team_1',
  name: 'shop',
  description: '',
  desired_state: null,
});

describe('application fold', () => {
  it('starts created at version 1 with no state', () => {
    const app = fold([created]);
    expect(app).toMatchObject({
      id: 'app_1',
      tenant_id: 't1',
      status: 'created',
      version: 1,
      desired_state: null,
      actual_state: null,
      created_by: 'alice',
    });
  });

  it('ignores events for an application that was never created', () => {
    expect(fold([ev('application.deleted', {})])).toBeUndefined();
  });

  it('bumps the version on every event and records desired state', () => {
    const app = fold([
      created,
      ev('application.desired_state_set', { desired_state: { version: 'v1', replicas: 2 } }),
    ]);
    expect(app?.version).toBe(2);
    expect(app?.desired_state).toEqual({ version: 'v1', replicas: 2 });
  });

  it('goes deploying then deployed with actual state and history', () => {
    const actual = {
      version: 'v1',
      replicas: 2,
      env: {},
      resources: {},
      deployed_at: '2024-01-01T00:00:00.000Z',
      operation_id: 'op_1',
    };
    const app = fold([
      created,
      ev('application.operation_started', { operation_id: 'op_1', kind: 'deploy', status: 'deploying' }),
    ]);
    expect(app).toMatchObject({ status: 'deploying', active_operation_id: 'op_1' });
    const done = applyApplication(
      app,
      ev('application.operation_finished', {
        operation_id: 'op_1',
        outcome: 'succeeded',
        status: 'deployed',
        actual_state: actual,
        deployed_version: 'v1',
      }),
    );
    expect(done).toMatchObject({ status: 'deployed', active_operation_id: null, actual_state: actual });
    expect(done?.deployment_history.map((h) => h.version)).toEqual(['v1']);
  });

  it('keeps actual state and history when an operation fails', () => {
    const app = fold([
      created,
      ev('application.operation_started', { operation_id: 'op_1', kind: 'deploy', status: 'deploying' }),
      ev('application.operation_finished', { operation_id: 'op_1', outcome: 'failed', status: 'failed' }),
    ]);
    expect(app).toMatchObject({
      status: 'failed',
      active_operation_id: null,
      actual_state: null,
      deployment_history: [],
    });
  });

  it('marks deletion', () => {
    expect(fold([created, ev('application.deleted', {})])?.deleted).toBe(true);
  });
  it('keeps only the newest deployments in the history, however often it is deployed', () => {
    let app = fold([created]);
    const deploys = StoredDataLimits.deploymentHistory + 20;
    for (let i = 1; i <= deploys; i++) {
      app = applyApplication(
        app,
        ev('application.operation_finished', {
          operation_id: `op_${i}`,
          outcome: 'succeeded',
          status: 'deployed',
          deployed_version: `v${i}`,
        }),
      );
    }
    expect(app?.deployment_history).toHaveLength(StoredDataLimits.deploymentHistory);
    expect(app?.deployment_history.at(-1)?.version).toBe(`v${deploys}`);
    expect(app?.deployment_history[0]?.version).toBe('v21');
  });
});
