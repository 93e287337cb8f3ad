// The resource aggregate (databases, caches, repositories, pipelines): creation, edits and status changes.
import type { Resource, ResourceStatus } from '@idp/contracts';

type Tier = Resource['tier'];

import type { StoredEvent } from './stored-event.js';

export type ResourceEvent =
  | StoredEvent<
      'resource.created',
      {
        type: string;
        team_id: string;
        name: string;
        description: string;
        tier: Tier;
        spec: Record<string, unknown>;
        tags: Record<string, string>;
        operation_id: string;
      }
    >
  | StoredEvent<
      'resource.updated',
      { description?: string; tier?: Tier; spec?: Record<string, unknown>; tags?: Record<string, string> }
    >
  | StoredEvent<'resource.status_changed', { status: ResourceStatus; operation_id: string | null }>;

export function applyResource(state: Resource | undefined, event: ResourceEvent): Resource | undefined {
  if (event.type === 'resource.created') {
    const { operation_id, ...data } = event.data;
    return {
      id: event.id,
      tenant_id: event.tenant_id,
      ...data,
      status: 'provisioning',
      active_operation_id: operation_id,
      version: 1,
      created_by: event.by,
      created_at: event.at,
      updated_at: event.at,
    };
  }
  if (!state) return undefined;
  const next: Resource = { ...state, version: state.version + 1, updated_at: event.at };
  if (event.type === 'resource.updated') {
    const { description, tier, spec, tags } = event.data;
    return {
      ...next,
      ...(description !== undefined && { description }),
      ...(tier !== undefined && { tier }),
      ...(spec !== undefined && { spec }),
      ...(tags !== undefined && { tags }),
    };
  }
  return { ...next, status: event.data.status, active_operation_id: event.data.operation_id };
}
