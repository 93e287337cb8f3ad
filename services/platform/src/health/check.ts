// Simulated health checks of provisioned resources. The result is a pure function of the resource,
// the interval and the failure rate, so every platform instance that checks the same resource in the
// same interval gets the same answer (and the events stream keeps one copy, see monitor.ts).
import type { HealthCheckData, Resource, ResourceStatus, ResourceType } from '@idp/contracts';
import { PlatformEvents } from '@idp/contracts';

/** Statuses of a resource that exists and can be probed. */
const CHECKED: readonly ResourceStatus[] = ['ready', 'updating'];

export const isChecked = (resource: Pick<Resource, 'status'>) => CHECKED.includes(resource.status);

/** The interval a moment falls in: instances agree on it whatever their clock skew within an interval. */
export const tickOf = (nowMs: number, intervalMs: number) => Math.floor(nowMs / intervalMs);

/** A stable number in [0, 1) from a string: FNV-1a, then murmur3's finaliser so that strings
 * differing only in their last character (consecutive intervals) still land far apart. */
export function unitHash(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

const ERRORS: Record<ResourceType, string> = {
  database: 'Connection timeout',
  cache: 'No reply to PING',
  git_repository: 'Git endpoint unreachable',
  ci_pipeline: 'Runner pool unavailable',
};

export interface HealthResult {
  event: (typeof PlatformEvents)['healthCheckPassed' | 'healthCheckFailed'];
  data: HealthCheckData;
}

/** One check of one resource in interval `tick`; fails for a `failureRate` share of (resource, tick) pairs. */
export function simulateCheck(
  resource: Pick<Resource, 'id' | 'tenant_id' | 'type'>,
  tick: number,
  failureRate: number,
  at: Date,
): HealthResult {
  const failed = unitHash(`${resource.tenant_id}/${resource.id}/${tick}`) < failureRate;
  const timestamp = at.toISOString();
  if (!failed) {
    return {
      event: PlatformEvents.healthCheckPassed,
      data: { resource_id: resource.id, resource_type: resource.type, health_status: 'healthy', timestamp },
    };
  }
  return {
    event: PlatformEvents.healthCheckFailed,
    data: {
      resource_id: resource.id,
      resource_type: resource.type,
      health_status: 'unhealthy',
      error: ERRORS[resource.type as ResourceType] ?? 'Health probe failed',
      timestamp,
    },
  };
}

/** The message id that makes one health event per resource and interval, whichever instance sends it. */
export const healthMsgId = (resource: Pick<Resource, 'id' | 'tenant_id'>, intervalMs: number, tick: number) =>
  `health:${resource.tenant_id}:${resource.id}:${intervalMs}:${tick}`;
