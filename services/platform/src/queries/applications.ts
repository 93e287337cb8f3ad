// Application reads, all from the caught-up read model and scoped to the caller's tenant.
import { ApiError } from '@idp/contracts';
import { teamAllows } from '../access.js';
import { toApplication } from '../aggregates/application.js';
import { loadApp } from '../commands/applications.js';
import { diffStates } from '../diff.js';
import { byCreatedAt, type Handler, ok, okPage, tenantOf } from '../handler-kit.js';

export const listApplications: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const { team_id, status } = req.query as { team_id?: string; status?: string };
  const apps = deps.projection.model.applications
    .list(tenantOf(req))
    .filter(
      (a) =>
        !a.deleted &&
        teamAllows(req, deps, a.team_id) &&
        (team_id === undefined || a.team_id === team_id) &&
        (status === undefined || a.status === status),
    )
    .map(toApplication);
  return okPage(req, apps, byCreatedAt);
};

export const getApplication: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const app = loadApp(deps, req);
  return ok(toApplication(app.state), { etag: app.state.version });
};

export const getDesiredState: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const app = loadApp(deps, req);
  if (!app.state.desired_state) {
    throw new ApiError('NOT_FOUND', 'The application has no desired state yet', {
      resource: 'desired state',
      id: app.state.id,
    });
  }
  return ok(app.state.desired_state, { etag: app.state.version });
};

/** Never deployed is a 404, like any other state that does not exist yet (desired state does the same). */
export const getActualState: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const app = loadApp(deps, req);
  if (!app.state.actual_state) {
    throw new ApiError('NOT_FOUND', 'The application has not been deployed yet', {
      resource: 'actual state',
      id: app.state.id,
    });
  }
  return ok(app.state.actual_state, { etag: app.state.version });
};

export const getDiff: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const app = loadApp(deps, req);
  return ok(diffStates(app.state.desired_state, app.state.actual_state), { etag: app.state.version });
};
