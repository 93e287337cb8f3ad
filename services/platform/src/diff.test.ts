import type { ActualState, DesiredState } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { diffStates } from './diff.js';

const desired: DesiredState = {
  version: 'v2',
  replicas: 3,
  env: { LOG_LEVEL: 'debug', NEW: '1' },
  resources: { cpu: '500m' },
};
const actual: ActualState = {
  version: 'v1',
  replicas: 3,
  env: { LOG_LEVEL: 'info', OLD: 'x' },
  resources: { cpu: '250m', memory: '512Mi' },
  deployed_at: '2024-01-01T00:00:00.000Z',
  operation_id: 'op_1',
};

describe('diffStates', () => {
  it('reports in sync when desired equals actual', () => {
    const same: ActualState = {
      ...actual,
      version: 'v2',
      env: { ...desired.env },
      resources: { cpu: '500m' },
    };
    expect(diffStates(desired, same)).toEqual({ in_sync: true, changes: [] });
  });

  it('lists changed, added and removed paths for version, env and resources', () => {
    const { in_sync, changes } = diffStates(desired, actual);
    expect(in_sync).toBe(false);
    expect(changes).toEqual([
      { path: '/version', kind: 'changed', desired: 'v2', actual: 'v1' },
      { path: '/env/LOG_LEVEL', kind: 'changed', desired: 'debug', actual: 'info' },
      { path: '/env/NEW', kind: 'added', desired: '1', actual: null },
      { path: '/env/OLD', kind: 'removed', desired: null, actual: 'x' },
      { path: '/resources/cpu', kind: 'changed', desired: '500m', actual: '250m' },
      { path: '/resources/memory', kind: 'removed', desired: null, actual: '512Mi' },
    ]);
  });

  it('treats a never-deployed application as everything added', () => {
    const { changes } = diffStates({ version: 'v1', replicas: 2 }, null);
    expect(changes).toEqual([
      { path: '/version', kind: 'added', desired: 'v1', actual: null },
      { path: '/replicas', kind: 'added', desired: 2, actual: null },
    ]);
  });

  it('is in sync when neither side exists', () => {
    expect(diffStates(null, null).in_sync).toBe(true);
  });

  it('compares replicas', () => {
    const { changes } = diffStates(
      { ...desired, version: 'v1', env: actual.env, resources: actual.resources, replicas: 5 },
      actual,
    );
    expect(changes).toEqual([{ path: '/replicas', kind: 'changed', desired: 5, actual: 3 }]);
  });
});
