// The REST route table (spec §3.2): method + path → the backend subject that answers it, its request
// schemas and the permission it needs. The edge serves exactly this table; backends register by `name`.
import Type, { type TObject, type TSchema } from 'typebox';
import {
  CreateApplicationBody,
  DeployBody,
  DesiredState,
  RestartBody,
  RollbackBody,
  UpdateApplicationBody,
} from './applications.js';
import { Id } from './common.js';
import {
  CreateApiKeyBody,
  CreateServiceAccountBody,
  IssueNatsCredentialsBody,
  IssueTokenBody,
} from './credentials.js';
import { PageQuery } from './envelope.js';
import { CancelOperationBody, ListOperationsQuery } from './operations.js';
import {
  CreateResourceBodies,
  type ResourcePathName,
  ResourcePathNameSchema,
  ResourceStatus,
  UpdateResourceBodies,
} from './resources.js';
import { AddTeamMemberBody, CreateTeamBody, UpdateUserProfileBody } from './teams.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Any authenticated caller may use the route (it acts on the caller's own data only). */
export const AUTHENTICATED = 'authenticated';
/** No credential needed (published keys only). */
export const PUBLIC = 'public';

/** The backend that answers a route; its subject is `RpcSubjects.route(route)`. */
export type RouteService = 'platform' | 'auth';

export interface RouteDef {
  name: string;
  /** Default: platform. */
  service?: RouteService;
  method: HttpMethod;
  /** Relative to /api/v1, with `:param` segments. */
  path: string;
  /** `resource:action` or `resource:type:action`; `{type}` is replaced by the path's resource type. */
  permission: string;
  /**
   * The backend checks every object against the team that owns it, so a role bound at any team may pass
   * the edge's first check. Without it the route acts tenant-wide and needs a tenant-scoped binding.
   */
  narrowedByTeam?: boolean;
  /**
   * A `*` in `permission` means "any one value": the backend shows only the items whose exact
   * permission the caller holds (`GET /resources` lists the resource types the caller may read).
   */
  permissionAnyOf?: boolean;
  params?: TObject;
  query?: TObject;
  body?: TSchema;
  /** For `/resources/:type` routes: the body schema depends on the type in the path. */
  bodyByResourceType?: Record<ResourcePathName, TSchema>;
  /** Long-running commands answer 202 with an operation (spec §3.3.3). */
  longRunning?: boolean;
  /** Writes that honour `If-Match`. */
  conditional?: boolean;
}

const IdParams = Type.Object({ id: Id });
const TypeParams = Type.Object({ type: ResourcePathNameSchema });
const TypeIdParams = Type.Object({ type: ResourcePathNameSchema, id: Id });
const PageOnly = Type.Object({ ...PageQuery }, { additionalProperties: false });

const ListApplicationsQuery = Type.Object(
  { ...PageQuery, team_id: Type.Optional(Id), status: Type.Optional(Type.String({ maxLength: 32 })) },
  { additionalProperties: false },
);
const ListResourcesQuery = Type.Object(
  { ...PageQuery, team_id: Type.Optional(Id), status: Type.Optional(ResourceStatus) },
  { additionalProperties: false },
);

const route = (def: RouteDef): RouteDef => def;

export const Routes = [
  // 3.2.1 Applications
  route({
    name: 'applications.list',
    method: 'GET',
    path: '/applications',
    permission: 'application:read',
    narrowedByTeam: true,
    query: ListApplicationsQuery,
  }),
  route({
    name: 'applications.create',
    method: 'POST',
    path: '/applications',
    permission: 'application:create',
    narrowedByTeam: true,
    body: CreateApplicationBody,
  }),
  route({
    name: 'applications.get',
    method: 'GET',
    path: '/applications/:id',
    permission: 'application:read',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'applications.update',
    method: 'PUT',
    path: '/applications/:id',
    permission: 'application:update',
    narrowedByTeam: true,
    params: IdParams,
    body: UpdateApplicationBody,
    conditional: true,
  }),
  route({
    name: 'applications.delete',
    method: 'DELETE',
    path: '/applications/:id',
    permission: 'application:delete',
    narrowedByTeam: true,
    params: IdParams,
    conditional: true,
  }),
  route({
    name: 'applications.desiredState.get',
    method: 'GET',
    path: '/applications/:id/desired-state',
    permission: 'application:read',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'applications.desiredState.put',
    method: 'PUT',
    path: '/applications/:id/desired-state',
    permission: 'application:update',
    narrowedByTeam: true,
    params: IdParams,
    body: DesiredState,
    conditional: true,
  }),
  route({
    name: 'applications.actualState.get',
    method: 'GET',
    path: '/applications/:id/actual-state',
    permission: 'application:read',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'applications.diff',
    method: 'GET',
    path: '/applications/:id/diff',
    permission: 'application:read',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'applications.deploy',
    method: 'POST',
    path: '/applications/:id/deploy',
    permission: 'application:deploy',
    narrowedByTeam: true,
    params: IdParams,
    body: DeployBody,
    longRunning: true,
    conditional: true,
  }),
  route({
    name: 'applications.rollback',
    method: 'POST',
    path: '/applications/:id/rollback',
    permission: 'application:deploy',
    narrowedByTeam: true,
    params: IdParams,
    body: RollbackBody,
    longRunning: true,
    conditional: true,
  }),
  route({
    name: 'applications.restart',
    method: 'POST',
    path: '/applications/:id/restart',
    permission: 'application:deploy',
    narrowedByTeam: true,
    params: IdParams,
    body: RestartBody,
    longRunning: true,
    conditional: true,
  }),

  // 3.2.2 Resources
  route({
    name: 'resources.list',
    method: 'GET',
    path: '/resources',
    permission: 'resource:*:read',
    narrowedByTeam: true,
    permissionAnyOf: true,
    query: ListResourcesQuery,
  }),
  route({
    name: 'resources.listByType',
    method: 'GET',
    path: '/resources/:type',
    permission: 'resource:{type}:read',
    narrowedByTeam: true,
    params: TypeParams,
    query: ListResourcesQuery,
  }),
  route({
    name: 'resources.create',
    method: 'POST',
    path: '/resources/:type',
    permission: 'resource:{type}:create',
    narrowedByTeam: true,
    params: TypeParams,
    bodyByResourceType: CreateResourceBodies,
    longRunning: true,
  }),
  route({
    name: 'resources.get',
    method: 'GET',
    path: '/resources/:type/:id',
    permission: 'resource:{type}:read',
    narrowedByTeam: true,
    params: TypeIdParams,
  }),
  route({
    name: 'resources.update',
    method: 'PUT',
    path: '/resources/:type/:id',
    permission: 'resource:{type}:update',
    narrowedByTeam: true,
    params: TypeIdParams,
    bodyByResourceType: UpdateResourceBodies,
    conditional: true,
  }),
  route({
    name: 'resources.delete',
    method: 'DELETE',
    path: '/resources/:type/:id',
    permission: 'resource:{type}:delete',
    narrowedByTeam: true,
    params: TypeIdParams,
    longRunning: true,
    conditional: true,
  }),

  // 3.2.3 Operations and status
  route({
    name: 'operations.list',
    method: 'GET',
    path: '/operations',
    permission: 'operation:read',
    narrowedByTeam: true,
    query: ListOperationsQuery,
  }),
  route({
    name: 'operations.get',
    method: 'GET',
    path: '/operations/:id',
    permission: 'operation:read',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'operations.cancel',
    method: 'POST',
    path: '/operations/:id/cancel',
    permission: 'operation:cancel',
    narrowedByTeam: true,
    params: IdParams,
    body: CancelOperationBody,
  }),
  route({
    name: 'operations.logs',
    method: 'GET',
    path: '/operations/:id/logs',
    permission: 'operation:read',
    narrowedByTeam: true,
    params: IdParams,
    query: PageOnly,
  }),
  route({ name: 'status.platform', method: 'GET', path: '/status', permission: AUTHENTICATED }),
  route({
    name: 'status.application',
    method: 'GET',
    path: '/status/applications/:id',
    permission: 'application:read',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'metrics.platform',
    method: 'GET',
    path: '/metrics',
    permission: 'metrics:read',
    // A team-scoped viewer gets its teams' metrics; the platform counts only what the caller may read.
    narrowedByTeam: true,
  }),

  // 3.2.4 Users and teams
  route({ name: 'users.me.get', method: 'GET', path: '/users/me', permission: AUTHENTICATED }),
  route({
    name: 'users.me.update',
    method: 'PUT',
    path: '/users/me',
    permission: AUTHENTICATED,
    body: UpdateUserProfileBody,
  }),
  route({
    name: 'users.me.permissions',
    method: 'GET',
    path: '/users/me/permissions',
    permission: AUTHENTICATED,
  }),
  route({
    name: 'teams.list',
    method: 'GET',
    path: '/teams',
    permission: 'team:read',
    narrowedByTeam: true,
    query: PageOnly,
  }),
  route({
    name: 'teams.create',
    method: 'POST',
    path: '/teams',
    permission: 'team:create',
    body: CreateTeamBody,
  }),
  route({
    name: 'teams.get',
    method: 'GET',
    path: '/teams/:id',
    permission: 'team:read',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'teams.members.list',
    method: 'GET',
    path: '/teams/:id/members',
    permission: 'team:read',
    narrowedByTeam: true,
    params: IdParams,
    query: PageOnly,
  }),
  route({
    name: 'teams.members.add',
    method: 'POST',
    path: '/teams/:id/members',
    permission: 'team:update',
    narrowedByTeam: true,
    params: IdParams,
    body: AddTeamMemberBody,
  }),
  route({
    name: 'teams.applications.list',
    method: 'GET',
    path: '/teams/:id/applications',
    permission: 'application:read',
    narrowedByTeam: true,
    params: IdParams,
    query: PageOnly,
  }),

  // Quotas (spec §5.3): usage against the tenant's quota.
  route({ name: 'quotas.get', method: 'GET', path: '/quotas', permission: AUTHENTICATED }),

  // Credentials (spec §5.1): answered by the auth service.
  route({
    name: 'apiKeys.list',
    service: 'auth',
    method: 'GET',
    path: '/api-keys',
    permission: 'api_key:read',
    narrowedByTeam: true,
    query: PageOnly,
  }),
  route({
    name: 'apiKeys.create',
    service: 'auth',
    method: 'POST',
    path: '/api-keys',
    permission: 'api_key:create',
    narrowedByTeam: true,
    body: CreateApiKeyBody,
  }),
  route({
    name: 'apiKeys.delete',
    service: 'auth',
    method: 'DELETE',
    path: '/api-keys/:id',
    permission: 'api_key:delete',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'serviceAccounts.list',
    service: 'auth',
    method: 'GET',
    path: '/service-accounts',
    permission: 'service_account:read',
    narrowedByTeam: true,
    query: PageOnly,
  }),
  route({
    name: 'serviceAccounts.create',
    service: 'auth',
    method: 'POST',
    path: '/service-accounts',
    permission: 'service_account:create',
    narrowedByTeam: true,
    body: CreateServiceAccountBody,
  }),
  route({
    name: 'serviceAccounts.get',
    service: 'auth',
    method: 'GET',
    path: '/service-accounts/:id',
    permission: 'service_account:read',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'serviceAccounts.delete',
    service: 'auth',
    method: 'DELETE',
    path: '/service-accounts/:id',
    permission: 'service_account:delete',
    narrowedByTeam: true,
    params: IdParams,
  }),
  route({
    name: 'serviceAccounts.tokens.create',
    service: 'auth',
    method: 'POST',
    path: '/service-accounts/:id/tokens',
    permission: 'service_account:token',
    narrowedByTeam: true,
    params: IdParams,
    body: IssueTokenBody,
  }),
  route({
    name: 'serviceAccounts.tokens.revoke',
    service: 'auth',
    method: 'DELETE',
    path: '/service-accounts/:id/tokens/:token_id',
    permission: 'service_account:token',
    narrowedByTeam: true,
    params: Type.Object({ id: Id, token_id: Id }),
  }),
  route({
    name: 'serviceAccounts.natsCredentials.create',
    service: 'auth',
    method: 'POST',
    path: '/service-accounts/:id/nats-credentials',
    // Tenant-wide on purpose: the credentials publish for the whole tenant, so tenant admins only.
    permission: 'service_account:nats_credentials',
    params: IdParams,
    body: IssueNatsCredentialsBody,
  }),
  route({ name: 'auth.jwks', service: 'auth', method: 'GET', path: '/auth/jwks.json', permission: PUBLIC }),
] as const satisfies readonly RouteDef[];

export type RouteName = (typeof Routes)[number]['name'];
