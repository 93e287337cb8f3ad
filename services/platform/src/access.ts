// Deny by default (design.md §9): the platform re-derives each route's permission from the routes table
// and checks it against the principal itself; a request that carries no permission, or another one than
// the route needs, is refused, whoever sent it. Team-scoped access (spec §5.2) then narrows it to the
// team that owns the object: a role bound at `team:<id>` covers that team's objects only.
import {
  ApiError,
  AUTHENTICATED,
  type RouteDef,
  Routes,
  type RpcRequest,
  routePermission,
} from '@idp/contracts';
import { evaluate, evaluateRoute } from '@idp/rbac';
import type { Deps } from './deps.js';

const ROUTES_BY_NAME = new Map<string, RouteDef>((Routes as readonly RouteDef[]).map((r) => [r.name, r]));

/** Throws FORBIDDEN unless the request carries the route's permission and the principal holds it. */
export function assertRoutePermission(routeName: string, req: RpcRequest, deps: Pick<Deps, 'roles'>): void {
  const route = ROUTES_BY_NAME.get(routeName);
  if (!route) throw new ApiError('NOT_FOUND', `No platform route '${routeName}'`, { route: routeName });
  const required = routePermission(route, req.params);
  if (req.permission !== required) {
    throw new ApiError('FORBIDDEN', `Request carries no checked permission for '${routeName}'`, {
      permission: required,
    });
  }
  if (required === AUTHENTICATED) return;
  // The same first check as the edge's; team-owned objects are narrowed to their team afterwards.
  if (!evaluateRoute(req.principal, deps.roles, route, required).allowed) {
    throw new ApiError('FORBIDDEN', `Missing permission '${required}'`, { permission: required });
  }
}

/** May the caller use this route's permission on objects of `teamId`? Never without a permission. */
export function teamAllows(req: RpcRequest, deps: Pick<Deps, 'roles'>, teamId: string): boolean {
  if (!req.permission || req.permission === AUTHENTICATED) return false;
  return evaluate(req.principal, deps.roles, req.permission, { team_id: teamId }).allowed;
}

export function assertTeamAccess(req: RpcRequest, deps: Pick<Deps, 'roles'>, teamId: string): void {
  if (!teamAllows(req, deps, teamId)) {
    throw new ApiError('FORBIDDEN', `Missing permission '${req.permission}' for team '${teamId}'`, {
      permission: req.permission,
      team_id: teamId,
    });
  }
}

/** A list filter: keeps what the caller's roles cover. */
export const visibleTo =
  (req: RpcRequest, deps: Pick<Deps, 'roles'>) =>
  (item: { team_id: string }): boolean =>
    teamAllows(req, deps, item.team_id);
