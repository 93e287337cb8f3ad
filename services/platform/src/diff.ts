// Desired vs actual state of an application: which fields differ, as JSON-pointer-like paths.
import type { ActualState, DesiredState, StateChange, StateDiff } from '@idp/contracts';

type Side = Pick<DesiredState, 'version' | 'replicas' | 'env' | 'resources'> | null | undefined;

export function diffStates(
  desired: DesiredState | null | undefined,
  actual: ActualState | null | undefined,
): StateDiff {
  const changes: StateChange[] = [];
  compare(changes, '/version', desired?.version, actual?.version);
  compare(changes, '/replicas', desired?.replicas, actual?.replicas);
  compareRecords(changes, '/env', entries(desired, 'env'), entries(actual, 'env'));
  compareRecords(changes, '/resources', entries(desired, 'resources'), entries(actual, 'resources'));
  return { in_sync: changes.length === 0, changes };
}

function entries(side: Side, key: 'env' | 'resources'): Record<string, unknown> {
  return { ...(side?.[key] ?? {}) };
}

function compareRecords(
  changes: StateChange[],
  prefix: string,
  desired: Record<string, unknown>,
  actual: Record<string, unknown>,
) {
  const keys = [...new Set([...Object.keys(desired), ...Object.keys(actual)])].sort();
  for (const key of keys) compare(changes, `${prefix}/${escapePointer(key)}`, desired[key], actual[key]);
}

function compare(changes: StateChange[], path: string, desired: unknown, actual: unknown): void {
  if (desired === actual) return;
  if (actual === undefined) changes.push({ path, kind: 'added', desired, actual: null });
  else if (desired === undefined) changes.push({ path, kind: 'removed', desired: null, actual });
  else changes.push({ path, kind: 'changed', desired, actual });
}

/** RFC 6901: `~` and `/` inside a key are escaped. */
const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
