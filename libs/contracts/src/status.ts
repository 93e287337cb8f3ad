// Platform status and metrics bodies (spec §3.2.3).
import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './common.js';

export const ComponentHealth = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const PlatformStatus = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]),
  components: Type.Record(Type.String(), ComponentHealth),
  checked_at: Timestamp,
});
export type PlatformStatus = Static<typeof PlatformStatus>;

export const ApplicationHealth = Type.Object({
  application_id: Id,
  status: Type.String(),
  health: Type.Union([
    Type.Literal('healthy'),
    Type.Literal('progressing'),
    Type.Literal('degraded'),
    Type.Literal('unknown'),
  ]),
  in_sync: Type.Boolean(),
  desired_version: Type.Union([Type.String(), Type.Null()]),
  actual_version: Type.Union([Type.String(), Type.Null()]),
  replicas: Type.Object({ desired: Type.Integer(), ready: Type.Integer() }),
  active_operation_id: Type.Union([Id, Type.Null()]),
  checked_at: Timestamp,
});
export type ApplicationHealth = Static<typeof ApplicationHealth>;

const Counts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));

export const PlatformMetrics = Type.Object({
  applications: Type.Object({ total: Type.Integer(), by_status: Counts }),
  resources: Type.Object({ total: Type.Integer(), by_type: Counts, by_status: Counts }),
  operations: Type.Object({
    total: Type.Integer(),
    by_status: Counts,
    by_kind: Counts,
    success_rate: Type.Union([Type.Number(), Type.Null()]),
    average_duration_ms: Type.Union([Type.Number(), Type.Null()]),
  }),
  teams: Type.Object({ total: Type.Integer() }),
  generated_at: Timestamp,
});
export type PlatformMetrics = Static<typeof PlatformMetrics>;
