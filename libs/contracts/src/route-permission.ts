// The permission a call of a route needs, with `{type}` resolved from its params. The edge checks it,
// sends it along, and the backend checks the same value again: one function, so they never disagree.
import { type ResourcePathName, ResourceTypes } from './resources.js';
import { AUTHENTICATED, PUBLIC, type RouteDef } from './routes.js';

export function routePermission(route: Pick<RouteDef, 'permission'>, params: Record<string, string>): string {
  if (route.permission === AUTHENTICATED || route.permission === PUBLIC) return route.permission;
  const type = params.type ? ResourceTypes[params.type as ResourcePathName]?.type : undefined;
  return route.permission.replace('{type}', type ?? '*');
}
