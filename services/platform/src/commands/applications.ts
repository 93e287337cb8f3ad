// Application commands: create (the name unique in the tenant, within the quota), update, delete,
// set desired state.
import {
  ApiError,
  type CreateApplicationBody,
  conflict,
  type DesiredState,
  type RpcRequest,
  type UpdateApplicationBody,
} from '@idp/contracts';
import { assertTeamAccess } from '../access.js';
import { toApplication } from '../aggregates/application.js';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
import {
  body,
  caughtUp,
  checkIfMatch,
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
import { releaseName } from './name-claims.js';

/** The team must exist in the caller's tenant and the caller's roles must cover it. */
export function requireTeam(deps: Deps, req: RpcRequest, teamId: string): void {
  if (!deps.projection.model.teams.get(tenantOf(req), teamId)) {
    throw new ApiError('VALIDATION_ERROR', `Team '${teamId}' does not exist`, {
      field: 'team_id',
      reason: 'unknown team',
    });
  }
  assertTeamAccess(req, deps, teamId);
}

export function loadApp(deps: Deps, req: RpcRequest, id = param(req, 'id')) {
  const app = found(deps.projection.model.application(tenantOf(req), id), 'application', id);
  assertTeamAccess(req, deps, app.state.team_id);
  return app;
}

export const createApplication: Handler = async (req, deps) => {
  const input = body<CreateApplicationBody>(req);
  const appId = newId(IdPrefixes.application);
  const created = makeEvent(ref(req, AggregateTypes.application, appId), 'application.created', {
    team_id: input.team_id,
    name: input.name,
    description: input.description ?? '',
    desired_state: input.desired_state ?? null,
  });
  const seq = await createExclusively(deps, req, {
    object: { kind: 'application', id: appId, name: input.name },
    validate: () => {
      requireTeam(deps, req, input.team_id);
      assertQuota(req, deps, 'applications');
    },
    store: () =>
      appendCreated(deps, created, () => deps.projection.model.applications.get(tenantOf(req), appId)),
  });
  await caughtUp(deps, seq);
  const app = loadApp(deps, req, appId);
  return ok(toApplication(app.state), { status: 201, etag: app.state.version });
};

export const updateApplication: Handler = async (req, deps) => {
  const input = body<UpdateApplicationBody>(req);
  const seq = await withCatchUp(deps, async () => {
    const app = loadApp(deps, req);
    checkIfMatch(req, app.state.version);
    if (input.team_id !== undefined) requireTeam(deps, req, input.team_id);
    const data = {
      ...(input.description !== undefined && { description: input.description }),
      ...(input.team_id !== undefined && { team_id: input.team_id }),
    };
    return deps.store.append(
      makeEvent(ref(req, AggregateTypes.application, app.state.id), 'application.updated', data),
      app.seq,
    );
  });
  await caughtUp(deps, seq);
  const app = loadApp(deps, req);
  return ok(toApplication(app.state), { etag: app.state.version });
};

export const deleteApplication: Handler = async (req, deps) => {
  const id = param(req, 'id');
  const name = await withCatchUp(deps, async () => {
    const app = loadApp(deps, req);
    checkIfMatch(req, app.state.version);
    if (app.state.active_operation_id) {
      throw conflict('The application has an operation in progress', {
        operation_id: app.state.active_operation_id,
      });
    }
    await deps.store.append(
      makeEvent(ref(req, AggregateTypes.application, id), 'application.deleted', {}),
      app.seq,
    );
    return app.state.name;
  });
  await releaseName(deps, req, { kind: 'application', id, name });
  return ok({ id, deleted: true });
};

export const putDesiredState: Handler = async (req, deps) => {
  const desired = body<DesiredState>(req);
  const seq = await withCatchUp(deps, async () => {
    const app = loadApp(deps, req);
    checkIfMatch(req, app.state.version);
    const event = makeEvent(
      ref(req, AggregateTypes.application, app.state.id),
      'application.desired_state_set',
      { desired_state: desired },
    );
    return deps.store.append(event, app.seq);
  });
  await caughtUp(deps, seq);
  const app = loadApp(deps, req);
  return ok(toApplication(app.state), { etag: app.state.version });
};
