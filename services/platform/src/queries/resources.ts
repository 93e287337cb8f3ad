// Resource reads: all types or one type, never deleted ones, always the caller's tenant only, and only
// the types the caller may read (a role limited to databases sees databases, not every type).
import type { RpcRequest } from '@idp/contracts';
import { specialise } from '@idp/rbac';
import { teamAllows } from '../access.js';
import { loadResource, resourceTypeOf } from '../commands/resources.js';
import type { Deps } from '../deps.js';
import { byCreatedAt, type Handler, ok, okPage, tenantOf } from '../handler-kit.js';

/** The route's permission made exact for one resource (`resource:*:read` → `resource:cache:read`). */
const forItem = (req: RpcRequest, type: string): RpcRequest =>
  req.permission ? { ...req, permission: specialise(req.permission, type) } : req;

function listOf(req: RpcRequest, deps: Deps, type?: string) {
  const { team_id, status } = req.query as { team_id?: string; status?: string };
  return deps.projection.model.resources
    .list(tenantOf(req))
    .filter(
      (r) =>
        teamAllows(forItem(req, r.type), deps, r.team_id) &&
        (status === undefined ? r.status !== 'deleted' : r.status === status) &&
        (type === undefined || r.type === type) &&
        (team_id === undefined || r.team_id === team_id),
    );
}

export const listResources: Handler = async (req, deps) => {
  await deps.barrier.wait();
  return okPage(req, listOf(req, deps), byCreatedAt);
};

export const listResourcesByType: Handler = async (req, deps) => {
  const def = resourceTypeOf(req);
  await deps.barrier.wait();
  return okPage(req, listOf(req, deps, def.type), byCreatedAt);
};

export const getResource: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const rec = loadResource(deps, req);
  return ok(rec.state, { etag: rec.state.version });
};
