// Operation reads: list with filters, one operation, and its log.
import { teamAllows } from '../access.js';
import { toOperation } from '../aggregates/operation.js';
import { loadOperation } from '../commands/operations.js';
import { byCreatedAt, type Handler, ok, okPage, tenantOf } from '../handler-kit.js';

export const listOperations: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const { status, kind, target_id } = req.query as { status?: string; kind?: string; target_id?: string };
  const ops = deps.projection.model.operations
    .list(tenantOf(req))
    .filter(
      (o) =>
        teamAllows(req, deps, o.team_id) &&
        (status === undefined || o.status === status) &&
        (kind === undefined || o.kind === kind) &&
        (target_id === undefined || o.target.id === target_id),
    )
    .map(toOperation);
  return okPage(req, ops, byCreatedAt);
};

export const getOperation: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const op = loadOperation(deps, req);
  return ok(toOperation(op.state), { etag: op.state.version });
};

export const getOperationLogs: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const op = loadOperation(deps, req);
  // Log entries are already in the order they happened (timestamps can tie), so no re-sorting.
  return okPage(req, op.state.logs);
};
