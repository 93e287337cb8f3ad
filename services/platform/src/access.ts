// Team-scoped access (spec §5.2): the edge has checked that the caller holds the route's permission
// somewhere in the tenant; here it is narrowed to the team that owns the object. A role bound at
// `team:<id>` covers that team's objects only; one bound at `tenant:<id>` covers them all.
import { ApiError, type RpcRequest } from '@idp/contracts';
import { evaluate } from '@idp/rbac';
import type { Deps } from './deps.js';

/** May the caller use this route's permission on objects of `teamId`? Calls without one (internal) may. */
export function teamAllows(req: RpcRequest, deps: Pick<Deps, 'roles'>, teamId: string): boolean {
  if (!req.permission) return true;
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
