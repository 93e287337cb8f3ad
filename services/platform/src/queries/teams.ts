// Team reads: the tenant's teams, one team, its members and its applications.
import type { RpcRequest } from '@idp/contracts';
import { assertTeamAccess, teamAllows } from '../access.js';
import { toApplication } from '../aggregates/application.js';
import type { Deps } from '../deps.js';
import { byCreatedAt, found, type Handler, ok, okPage, param, tenantOf } from '../handler-kit.js';

function loadTeam(req: RpcRequest, deps: Deps) {
  const id = param(req, 'id');
  const team = found(deps.projection.model.teams.get(tenantOf(req), id), 'team', id);
  assertTeamAccess(req, deps, team.state.id);
  return team;
}

export const listTeams: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const teams = deps.projection.model.teams.list(tenantOf(req)).filter((t) => teamAllows(req, deps, t.id));
  return okPage(req, teams, byCreatedAt);
};

export const getTeam: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const team = loadTeam(req, deps);
  return ok(team.state, { etag: team.state.version });
};

export const listTeamMembers: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const team = loadTeam(req, deps);
  return okPage(req, team.state.members, (m) => m.added_at);
};

export const listTeamApplications: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const team = loadTeam(req, deps);
  const apps = deps.projection.model.applications
    .list(tenantOf(req))
    .filter((a) => !a.deleted && a.team_id === team.state.id)
    .map(toApplication);
  return okPage(req, apps, byCreatedAt);
};
