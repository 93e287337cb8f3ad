// The notice an operation's initiator gets on `user:notifications` when it ends. Sent before the end
// is recorded and deduplicated by operation id: a run that records the end has always sent it, and a
// rerun after a crash (or a lost append) sends it again, which the events stream drops as a repeat.
// Exactly once holds while the rerun comes within the stream's duplicate window (2 min by default);
// work items come back after IDP_OPERATION_ACK_WAIT_MS, well inside it.
import { type OperationEndStatus, type OperationNotificationData, PlatformEvents } from '@idp/contracts';
import type { OperationState } from '../aggregates/operation.js';
import type { RunContext } from './run-context.js';

const EVENT_BY_STATUS: Record<OperationEndStatus, string> = {
  succeeded: PlatformEvents.operationCompleted,
  failed: PlatformEvents.operationFailed,
  cancelled: PlatformEvents.operationCancelled,
};

export interface EndNotification {
  event: string;
  data: OperationNotificationData;
}

/** The notification of an operation ending with `status` (pure: tested without NATS). */
export function endNotification(
  op: Pick<OperationState, 'id' | 'kind' | 'target'>,
  status: OperationEndStatus,
  message: string,
): EndNotification {
  const target =
    op.target.type === 'application' ? { application_id: op.target.id } : { resource_id: op.target.id };
  return {
    event: EVENT_BY_STATUS[status],
    data: { operation_id: op.id, type: op.kind, ...target, status, message },
  };
}

/** The message id under which the events stream keeps one notification per operation end. */
export const notificationMsgId = (tenant: string, opId: string) => `notify:${tenant}:${opId}`;

/** Sends the notice to the operation's initiator; throws when it could not be stored (the run retries). */
export async function notifyInitiator(
  ctx: RunContext,
  op: OperationState,
  status: OperationEndStatus,
  message: string,
): Promise<void> {
  const { event, data } = endNotification(op, status, message);
  await ctx.deps.events.userNotification(
    ctx.tenant,
    op.created_by,
    event,
    data,
    notificationMsgId(ctx.tenant, op.id),
  );
}
