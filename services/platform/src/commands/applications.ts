// Application commands: create (with a per-tenant name claim), update, delete, set desired state.
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
import { isNameHeld } from '../aggregates/name-claim.js';
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
  const tenant = tenantOf(req);
  const appId = newId(IdPrefixes.application);
  const seq = await withCatchUp(deps, async () => {
    requireTeam(deps, req, input.team_id);
    assertQuota(req, deps, 'applications');
    const model = deps.projection.model;
    const claim = model.names.get(tenant, input.name);
    if (isNameHeld(claim?.state, appId, model.appPresence(tenant))) {
      throw conflict(`An application named '${input.name}' already exists`, {
        field: 'name',
        name: input.name,
      });
    }
    if (claim?.state.application_id !== appId) {
      await deps.store.append(
        makeEvent(ref(req, AggregateTypes.appName, input.name), 'name.claimed', { application_id: appId }),
        claim?.seq ?? 0,
      );
    }
    const existing = model.applications.get(tenant, appId);
    if (existing) return existing.seq; // our create landed but its ack was lost
    const created = makeEvent(ref(req, AggregateTypes.application, appId), 'application.created', {
      team_id: input.team_id,
      name: input.name,
      description: input.description ?? '',
      desired_state: input.desired_state ?? null,
    });
    return deps.store.append(created, 0);
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
  await releaseName(deps, req, name, id);
  return ok({ id, deleted: true });
};

/** Frees the name for reuse; if this fails the claim still lapses because its application is deleted. */
async function releaseName(deps: Deps, req: RpcRequest, name: string, appId: string): Promise<void> {
  try {
    await withCatchUp(deps, async () => {
      const claim = deps.projection.model.names.get(tenantOf(req), name);
      if (claim?.state.application_id !== appId) return;
      await deps.store.append(
        makeEvent(ref(req, AggregateTypes.appName, name), 'name.released', { application_id: appId }),
        claim.seq,
      );
    });
  } catch (error) {
    deps.logger.warn({ err: error, name }, 'could not release an application name claim');
  }
}

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
