// The simulated stages of each operation kind and the log lines each stage writes.
import type { OperationKind } from '@idp/contracts';

export const STAGES: Record<OperationKind, readonly string[]> = {
  deploy: ['build', 'test', 'deploy', 'verify'],
  rollback: ['deploy', 'verify'],
  restart: ['drain', 'restart', 'verify'],
  resource_create: ['allocate', 'configure', 'verify'],
  resource_delete: ['deprovision', 'cleanup'],
};

type Params = Record<string, unknown>;

const LOGS: Record<string, (p: Params) => string[]> = {
  'deploy:build': (p) => [
    `Fetching sources for ${p.version}`,
    `Building image ${p.version}`,
    'Image pushed to registry',
  ],
  'deploy:test': () => ['Running unit tests', 'Running integration tests', 'All tests passed'],
  'deploy:deploy': (p) => [
    `Rolling out ${p.version} to ${p.replicas ?? '?'} replicas`,
    'New replicas scheduled',
  ],
  'deploy:verify': (p) => ['Running health checks', `Version ${p.version} is serving traffic`],
  'rollback:deploy': (p) => [`Rolling back to ${p.version}`, 'Previous image restored'],
  'rollback:verify': (p) => ['Running health checks', `Version ${p.version} is serving traffic`],
  'restart:drain': () => ['Draining connections', 'Connections drained'],
  'restart:restart': () => ['Restarting replicas', 'Replicas restarted'],
  'restart:verify': () => ['Running health checks', 'All replicas healthy'],
  'resource_create:allocate': (p) => [`Allocating ${p.resource_type} ${p.name}`, 'Instance created'],
  'resource_create:configure': () => ['Configuring network and security groups', 'Applying tags'],
  'resource_create:verify': () => ['Running health check', 'Resource is healthy'],
  'resource_delete:deprovision': (p) => [`Deprovisioning ${p.resource_type} ${p.name}`, 'Instance stopped'],
  'resource_delete:cleanup': () => ['Removing snapshots and endpoints', 'Cleanup finished'],
};

export function stageLogs(kind: OperationKind, stage: string, params: Params): string[] {
  return LOGS[`${kind}:${stage}`]?.(params) ?? [`Stage ${stage} done`];
}

export function estimatedCompletion(kind: OperationKind, stageMs: number, from = Date.now()): string {
  return new Date(from + STAGES[kind].length * stageMs).toISOString();
}
