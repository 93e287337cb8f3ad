// The envelope of every event in the event store; one NATS message per event, on the aggregate's subject.
import { EventStoreSubjects } from '@idp/contracts';

export const AggregateTypes = {
  application: 'application',
  appName: 'app_name',
  resourceName: 'resource_name',
  teamName: 'team_name',
  /** One per (tenant, counted kind): the quota reservations of creates in flight. */
  quota: 'quota',
  team: 'team',
  resource: 'resource',
  operation: 'operation',
  user: 'user',
} as const;
export type AggregateType = (typeof AggregateTypes)[keyof typeof AggregateTypes];

export interface StoredEvent<T extends string = string, D = Record<string, unknown>> {
  type: T;
  data: D;
  tenant_id: string;
  aggregate: AggregateType;
  id: string;
  /** Who caused it: a user's sub, or `runner:<instance>` for operation progress. */
  by: string;
  at: string;
}

export function aggregateSubject(tenant: string, aggregate: AggregateType, id: string): string {
  return EventStoreSubjects.aggregate(tenant, aggregate, id);
}

export function makeEvent<T extends string, D>(
  ref: { tenant_id: string; aggregate: AggregateType; id: string; by: string },
  type: T,
  data: D,
): StoredEvent<T, D> {
  return { ...ref, type, data, at: new Date().toISOString() };
}
