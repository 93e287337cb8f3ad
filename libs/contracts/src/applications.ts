// Applications and their desired/actual state (spec §3.2.1).
import Type, { type Static } from 'typebox';
import {
  Description,
  Id,
  Name,
  NOT_A_PROTOTYPE_KEY,
  StoredDataLimits,
  Timestamp,
  withinJsonBytes,
} from './common.js';

export const EnvVars = withinJsonBytes(
  Type.Record(
    Type.String({
      pattern: `^${NOT_A_PROTOTYPE_KEY}[A-Za-z_][A-Za-z0-9_]{0,${StoredDataLimits.envKeyLength - 1}}$`,
    }),
    Type.String({ maxLength: StoredDataLimits.envValueLength }),
    {
      maxProperties: StoredDataLimits.envKeys,
      additionalProperties: false,
      description: `at most ${StoredDataLimits.envKeys} variables and ${StoredDataLimits.envBytes} bytes as JSON`,
    },
  ),
  StoredDataLimits.envBytes,
);

export const ComputeResources = Type.Object(
  {
    cpu: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?m?$', description: 'e.g. 500m or 2' })),
    memory: Type.Optional(Type.String({ pattern: '^[0-9]+(Ki|Mi|Gi)$', description: 'e.g. 512Mi' })),
  },
  { additionalProperties: false },
);

export const Version = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$',
  description: 'e.g. v1.2.3',
});

export const DesiredState = Type.Object(
  {
    version: Version,
    replicas: Type.Integer({ minimum: 0, maximum: 100 }),
    env: Type.Optional(EnvVars),
    resources: Type.Optional(ComputeResources),
  },
  { additionalProperties: false },
);
export type DesiredState = Static<typeof DesiredState>;

export const ActualState = Type.Object({
  version: Version,
  replicas: Type.Integer(),
  env: EnvVars,
  resources: ComputeResources,
  deployed_at: Timestamp,
  operation_id: Id,
});
export type ActualState = Static<typeof ActualState>;

export const ApplicationStatus = Type.Union([
  Type.Literal('created'),
  Type.Literal('deploying'),
  Type.Literal('deployed'),
  Type.Literal('rolling_back'),
  Type.Literal('restarting'),
  Type.Literal('failed'),
]);
export type ApplicationStatus = Static<typeof ApplicationStatus>;

export const Application = Type.Object({
  id: Id,
  tenant_id: Id,
  team_id: Id,
  name: Name,
  description: Type.String(),
  status: ApplicationStatus,
  desired_state: Type.Union([DesiredState, Type.Null()]),
  actual_state: Type.Union([ActualState, Type.Null()]),
  /** Versions that reached `deployed`, oldest first: what rollback walks back through. */
  deployment_history: Type.Array(Type.Object({ version: Version, operation_id: Id, deployed_at: Timestamp })),
  active_operation_id: Type.Union([Id, Type.Null()]),
  version: Type.Integer({
    minimum: 1,
    description: 'optimistic-concurrency version; send it back in If-Match',
  }),
  created_by: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Application = Static<typeof Application>;

export const CreateApplicationBody = Type.Object(
  {
    name: Name,
    team_id: Id,
    description: Type.Optional(Description),
    desired_state: Type.Optional(DesiredState),
  },
  { additionalProperties: false },
);
export type CreateApplicationBody = Static<typeof CreateApplicationBody>;

export const UpdateApplicationBody = Type.Object(
  { description: Type.Optional(Description), team_id: Type.Optional(Id) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateApplicationBody = Static<typeof UpdateApplicationBody>;

export const DeployBody = Type.Object({ version: Type.Optional(Version) }, { additionalProperties: false });
export type DeployBody = Static<typeof DeployBody>;

export const RollbackBody = Type.Object(
  { version: Type.Optional(Version), reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type RollbackBody = Static<typeof RollbackBody>;

export const RestartBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const StateChange = Type.Object({
  path: Type.String({ description: 'JSON-pointer-like path, e.g. /env/LOG_LEVEL' }),
  kind: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed')]),
  desired: Type.Unknown(),
  actual: Type.Unknown(),
});
export type StateChange = Static<typeof StateChange>;

export const StateDiff = Type.Object({ in_sync: Type.Boolean(), changes: Type.Array(StateChange) });
export type StateDiff = Static<typeof StateDiff>;
