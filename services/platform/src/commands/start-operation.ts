// Creating an operation: its work item is published first (deduplicated by operation id), then its
// created event, so an operation never exists without work that will run it.
import {
  ApiError,
  OPERATIONS_WORK_SUBJECT,
  type OperationAccepted,
  type OperationKind,
  type RpcRequest,
} from '@idp/contracts';
import { encodeJson } from '@idp/nats';
import { traceHeaders } from '@idp/tracing';
import type { OperationTarget } from '../aggregates/operation.js';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
import { isStreamFull } from '../event-store.js';
import { ok, ref } from '../handler-kit.js';
import { IdPrefixes, newId } from '../ids.js';
import { estimatedCompletion, STAGES } from '../operations/stages.js';

export interface WorkItem {
  operation_id: string;
  tenant_id: string;
}

export interface OperationPlan {
  kind: OperationKind;
  target: OperationTarget;
  team_id: string;
  params: Record<string, unknown>;
}

export interface CreatedOperation {
  id: string;
  seq: number;
  estimated_completion: string;
  plan: OperationPlan;
}

export async function createOperation(
  deps: Deps,
  req: RpcRequest,
  plan: OperationPlan,
): Promise<CreatedOperation> {
  const id = newId(IdPrefixes.operation);
  const item: WorkItem = { operation_id: id, tenant_id: req.principal.tenant_id };
  await deps.js
    // The request's trace context rides along, so the run (runner.ts) continues its trace.
    .publish(OPERATIONS_WORK_SUBJECT, encodeJson(item), { msgID: id, timeout: 5000, headers: traceHeaders() })
    .catch((error) => {
      // The work queue at its size limit refuses new work: a clear 503, not an internal error.
      if (isStreamFull(error)) {
        throw new ApiError('SERVICE_UNAVAILABLE', 'Too many operations are waiting to run; retry later', {
          reason: 'operations_queue_full',
        });
      }
      throw error;
    });
  const eta = estimatedCompletion(plan.kind, deps.env.IDP_OPERATION_STAGE_MS);
  const event = makeEvent(ref(req, AggregateTypes.operation, id), 'operation.created', {
    ...plan,
    stages: [...STAGES[plan.kind]],
    estimated_completion: eta,
  });
  const seq = await deps.store.append(event, 0);
  return { id, seq, estimated_completion: eta, plan };
}

/** Ends an operation that could not be attached to its target (the target changed under us). */
export async function abandonOperation(
  deps: Deps,
  req: RpcRequest,
  op: CreatedOperation,
  reason: string,
): Promise<void> {
  try {
    await deps.store.append(
      makeEvent(ref(req, AggregateTypes.operation, op.id), 'operation.failed', { error: reason }),
      op.seq,
    );
  } catch (error) {
    // The runner will still find it unattached and fail it; nothing is left in progress.
    deps.logger.warn({ err: error, operation_id: op.id }, 'could not mark an abandoned operation failed');
  }
}

export function accepted(op: CreatedOperation, message: string) {
  const data: OperationAccepted = {
    operation_id: op.id,
    status: 'pending',
    message,
    progress: 0,
    estimated_completion: op.estimated_completion,
  };
  return ok(data, { status: 202 });
}
