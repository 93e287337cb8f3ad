// Team commands: create (the caller becomes owner; the name is unique in the tenant and the team counts
// against its quota) and add a member.
import {
  type AddTeamMemberBody,
  ApiError,
  type CreateTeamBody,
  conflict,
  StoredDataLimits,
} from '@idp/contracts';
import { assertTeamAccess } from '../access.js';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import {
  body,
  caughtUp,
  found,
  type Handler,
  ok,
  param,
  ref,
  tenantOf,
  withCatchUp,
} from '../handler-kit.js';
import { IdPrefixes, newId } from '../ids.js';
import { assertQuota } from '../quotas.js';
import { appendCreated, createExclusively } from './exclusive-create.js';

export const DEFAULT_MEMBER_ROLE = 'member';

export const createTeam: Handler = async (req, deps) => {
  const input = body<CreateTeamBody>(req);
  const id = newId(IdPrefixes.team);
  const created = makeEvent(ref(req, AggregateTypes.team, id), 'team.created', {
    name: input.name,
    description: input.description ?? '',
  });
  const seq = await createExclusively(deps, req, {
    object: { kind: 'team', id, name: input.name },
    validate: () => assertQuota(req, deps, 'teams'),
    store: () => appendCreated(deps, created, () => deps.projection.model.teams.get(tenantOf(req), id)),
  });
  await caughtUp(deps, seq);
  const team = found(deps.projection.model.teams.get(tenantOf(req), id), 'team', id);
  return ok(team.state, { status: 201, etag: team.state.version });
};

export const addTeamMember: Handler = async (req, deps) => {
  const input = body<AddTeamMemberBody>(req);
  const id = param(req, 'id');
  const seq = await withCatchUp(deps, async () => {
    const team = found(deps.projection.model.teams.get(tenantOf(req), id), 'team', id);
    assertTeamAccess(req, deps, team.state.id);
    if (team.state.members.some((m) => m.user_id === input.user_id)) {
      throw conflict(`User '${input.user_id}' is already a member of the team`, { user_id: input.user_id });
    }
    if (team.state.members.length >= StoredDataLimits.teamMembers) {
      throw new ApiError('QUOTA_EXCEEDED', `A team has at most ${StoredDataLimits.teamMembers} members`, {
        quota: 'team_members',
        limit: StoredDataLimits.teamMembers,
        used: team.state.members.length,
      });
    }
    const event = makeEvent(ref(req, AggregateTypes.team, id), 'team.member_added', {
      user_id: input.user_id,
      role: input.role ?? DEFAULT_MEMBER_ROLE,
    });
    return deps.store.append(event, team.seq);
  });
  await caughtUp(deps, seq);
  const team = found(deps.projection.model.teams.get(tenantOf(req), id), 'team', id);
  return ok(team.state, { status: 201, etag: team.state.version });
};
