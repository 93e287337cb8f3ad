// Long-running operations (spec §3.2.3, §3.3.3): deploy, rollback, restart, resource provisioning.
import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './common.js';
import { PageQuery } from './envelope.js';

export const OperationKind = Type.Union([
  Type.Literal('deploy'),
  Type.Literal('rollback'),
  Type.Literal('restart'),
  Type.Literal('resource_create'),
  Type.Literal('resource_delete'),
]);
export type OperationKind = Static<typeof OperationKind>;

export const OperationStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('in_progress'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);
export type OperationStatus = Static<typeof OperationStatus>;
export const TERMINAL_OPERATION_STATUSES: readonly OperationStatus[] = ['succeeded', 'failed', 'cancelled'];

export const StageStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('in_progress'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);

export const OperationStage = Type.Object({
  name: Type.String(),
  status: StageStatus,
  started_at: Type.Union([Timestamp, Type.Null()]),
  completed_at: Type.Union([Timestamp, Type.Null()]),
});
export type OperationStage = Static<typeof OperationStage>;

export const OperationTarget = Type.Object({
  type: Type.Union([Type.Literal('application'), Type.Literal('resource')]),
  id: Id,
});

export const Operation = Type.Object({
  id: Id,
  tenant_id: Id,
  team_id: Id,
  kind: OperationKind,
  target: OperationTarget,
  status: OperationStatus,
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  message: Type.String(),
  current_stage: Type.Union([Type.String(), Type.Null()]),
  stages: Type.Array(OperationStage),
  /** What the operation acts on, e.g. `{version: "v1.2.3"}` for a deploy. */
  params: Type.Record(Type.String(), Type.Unknown()),
  error: Type.Union([Type.String(), Type.Null()]),
  cancel_requested: Type.Boolean(),
  /** How many times a runner (re)started it; >1 means it was resumed after a crash. */
  attempts: Type.Integer({ minimum: 0 }),
  estimated_completion: Type.Union([Timestamp, Type.Null()]),
  created_by: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
  started_at: Type.Union([Timestamp, Type.Null()]),
  completed_at: Type.Union([Timestamp, Type.Null()]),
  version: Type.Integer({ minimum: 1 }),
});
export type Operation = Static<typeof Operation>;

/** The body of a 202 answer (spec §3.3.3). */
export const OperationAccepted = Type.Object({
  operation_id: Id,
  status: OperationStatus,
  message: Type.String(),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  estimated_completion: Type.Union([Timestamp, Type.Null()]),
});
export type OperationAccepted = Static<typeof OperationAccepted>;

export const OperationLogEntry = Type.Object({
  timestamp: Timestamp,
  level: Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
  stage: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
});
export type OperationLogEntry = Static<typeof OperationLogEntry>;

export const ListOperationsQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(OperationStatus),
    kind: Type.Optional(OperationKind),
    target_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const CancelOperationBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
