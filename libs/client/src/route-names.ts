// The REST route names as literal types, so the SDK's methods are checked at compile time. The list
// mirrors `Routes` of @idp/contracts (whose element type widens names to string); a test fails when
// they drift apart.
export const ROUTE_NAMES = [
  'applications.list',
  'applications.create',
  'applications.get',
  'applications.update',
  'applications.delete',
  'applications.desiredState.get',
  'applications.desiredState.put',
  'applications.actualState.get',
  'applications.diff',
  'applications.deploy',
  'applications.rollback',
  'applications.restart',
  'resources.list',
  'resources.listByType',
  'resources.create',
  'resources.get',
  'resources.update',
  'resources.delete',
  'operations.list',
  'operations.get',
  'operations.cancel',
  'operations.logs',
  'status.platform',
  'status.application',
  'metrics.platform',
  'users.me.get',
  'users.me.update',
  'users.me.permissions',
  'teams.list',
  'teams.create',
  'teams.get',
  'teams.members.list',
  'teams.members.add',
  'teams.applications.list',
  'apiKeys.list',
  'apiKeys.create',
  'apiKeys.delete',
  'serviceAccounts.list',
  'serviceAccounts.create',
  'serviceAccounts.get',
  'serviceAccounts.delete',
  'serviceAccounts.tokens.create',
  'serviceAccounts.tokens.revoke',
  'serviceAccounts.natsCredentials.create',
  'auth.jwks',
  'quotas.get',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

type Split<S extends string> = S extends `${infer Head}.${infer Tail}` ? [Head, ...Split<Tail>] : [S];
type Nest<Path extends string[], V> = Path extends [infer H extends string, ...infer R extends string[]]
  ? { [K in H]: Nest<R, V> }
  : V;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** `applications.desiredState.get` becomes `api.applications.desiredState.get(input)`. */
export type RouteTree<M> = UnionToIntersection<{ [N in RouteName]: Nest<Split<N>, M> }[RouteName]>;
