// Platform resources (spec §3.2.2): one schema per type, addressed in paths by their plural name.
import Type, { type Static, type TSchema } from 'typebox';
import { Description, Id, Labels, Name, Size, Tier, Timestamp } from './common.js';

export const DatabaseSpec = Type.Object(
  {
    engine: Type.Union([Type.Literal('postgres'), Type.Literal('mysql'), Type.Literal('mongodb')]),
    engine_version: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+){0,2}$' })),
    size: Size,
    storage_gb: Type.Integer({ minimum: 1, maximum: 16384 }),
    high_availability: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const CacheSpec = Type.Object(
  {
    engine: Type.Union([Type.Literal('redis'), Type.Literal('memcached')]),
    size: Size,
    replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
    eviction_policy: Type.Optional(
      Type.Union([Type.Literal('allkeys-lru'), Type.Literal('volatile-lru'), Type.Literal('noeviction')]),
    ),
  },
  { additionalProperties: false },
);

export const GitRepositorySpec = Type.Object(
  {
    visibility: Type.Union([Type.Literal('private'), Type.Literal('internal'), Type.Literal('public')]),
    default_branch: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._/-]{1,100}$' })),
    template: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CiPipelineSpec = Type.Object(
  {
    repository_id: Id,
    trigger: Type.Union([
      Type.Literal('push'),
      Type.Literal('pull_request'),
      Type.Literal('manual'),
      Type.Literal('schedule'),
    ]),
    schedule: Type.Optional(
      Type.String({ pattern: '^(\\S+\\s+){4}\\S+$', description: 'five-field cron expression' }),
    ),
    runner_size: Size,
  },
  { additionalProperties: false },
);

/** Path name (plural, as in spec §3.2.2) → the resource type and its spec schema. */
export const ResourceTypes = {
  databases: { type: 'database', idPrefix: 'db', spec: DatabaseSpec },
  caches: { type: 'cache', idPrefix: 'cache', spec: CacheSpec },
  'git-repositories': { type: 'git_repository', idPrefix: 'repo', spec: GitRepositorySpec },
  'ci-pipelines': { type: 'ci_pipeline', idPrefix: 'pipe', spec: CiPipelineSpec },
} as const satisfies Record<string, { type: string; idPrefix: string; spec: TSchema }>;

export type ResourcePathName = keyof typeof ResourceTypes;
export type ResourceType = (typeof ResourceTypes)[ResourcePathName]['type'];
export const RESOURCE_PATH_NAMES = Object.keys(ResourceTypes) as ResourcePathName[];

export const ResourcePathNameSchema = Type.Union(RESOURCE_PATH_NAMES.map((n) => Type.Literal(n)));

export const ResourceStatus = Type.Union([
  Type.Literal('provisioning'),
  Type.Literal('ready'),
  Type.Literal('updating'),
  Type.Literal('deleting'),
  Type.Literal('deleted'),
  Type.Literal('failed'),
]);
export type ResourceStatus = Static<typeof ResourceStatus>;

export const Resource = Type.Object({
  id: Id,
  tenant_id: Id,
  team_id: Id,
  type: Type.String(),
  name: Name,
  description: Type.String(),
  tier: Tier,
  spec: Type.Record(Type.String(), Type.Unknown()),
  status: ResourceStatus,
  /** Tenant and team tags every provisioned cloud resource carries (spec §5.3). */
  tags: Labels,
  active_operation_id: Type.Union([Id, Type.Null()]),
  version: Type.Integer({ minimum: 1 }),
  created_by: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Resource = Static<typeof Resource>;

export const createResourceBody = <S extends TSchema>(spec: S) =>
  Type.Object(
    {
      name: Name,
      team_id: Id,
      description: Type.Optional(Description),
      tier: Type.Optional(Tier),
      labels: Type.Optional(Labels),
      spec,
    },
    { additionalProperties: false },
  );

export const updateResourceBody = <S extends TSchema>(spec: S) =>
  Type.Object(
    {
      description: Type.Optional(Description),
      tier: Type.Optional(Tier),
      labels: Type.Optional(Labels),
      spec: Type.Optional(spec),
    },
    { additionalProperties: false, minProperties: 1 },
  );

export const CreateResourceBodies = Object.fromEntries(
  RESOURCE_PATH_NAMES.map((n) => [n, createResourceBody(ResourceTypes[n].spec)]),
) as unknown as Record<ResourcePathName, TSchema>;
export const UpdateResourceBodies = Object.fromEntries(
  RESOURCE_PATH_NAMES.map((n) => [n, updateResourceBody(ResourceTypes[n].spec)]),
) as unknown as Record<ResourcePathName, TSchema>;

/** The shape shared by every type's create/update body, with the spec left open (checked per type). */
const AnySpec = Type.Record(Type.String(), Type.Unknown());
const AnyCreateResourceBody = createResourceBody(AnySpec);
const AnyUpdateResourceBody = updateResourceBody(AnySpec);
export type CreateResourceBody = Static<typeof AnyCreateResourceBody>;
export type UpdateResourceBody = Static<typeof AnyUpdateResourceBody>;
