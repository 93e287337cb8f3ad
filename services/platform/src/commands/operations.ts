// Cancelling an operation: records the request; the runner that owns the operation ends it.
import { conflict, type RpcRequest } from '@idp/contracts';
import { assertTeamAccess } from '../access.js';
import { isTerminal, toOperation } from '../aggregates/operation.js';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
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

export const loadOperation = (deps: Deps, req: RpcRequest) => {
  const id = param(req, 'id');
  const op = found(deps.projection.model.operations.get(tenantOf(req), id), 'operation', id);
  assertTeamAccess(req, deps, op.state.team_id);
  return op;
};

export const cancelOperation: Handler = async (req, deps) => {
  const input = body<{ reason?: string }>(req);
  const seq = await withCatchUp(deps, async () => {
    const op = loadOperation(deps, req);
    if (isTerminal(op.state.status)) {
      throw conflict(
        `The operation has already ${op.state.status === 'cancelled' ? 'been cancelled' : op.state.status}`,
        { status: op.state.status },
      );
    }
    if (op.state.cancel_requested) return op.seq;
    const event = makeEvent(
      ref(req, AggregateTypes.operation, op.state.id),
      'operation.cancel_requested',
      input.reason ? { reason: input.reason } : {},
    );
    return deps.store.append(event, op.seq);
  });
  await caughtUp(deps, seq);
  const op = loadOperation(deps, req);
  return ok(toOperation(op.state), { etag: op.state.version });
};
