// Ending an operation: first its effect on the target (idempotent: skipped when the target no longer
// points at this operation), then the initiator's notification (deduplicated, see notify.ts), then the
// operation's own end event, then the public events.
import { type ActualState, PlatformEvents, type ResourceStatus } from '@idp/contracts';
import { restingStatus } from '../aggregates/application.js';
import type { OperationState } from '../aggregates/operation.js';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import type { Rec } from '../projection/store.js';
import { notifyInitiator } from './notify.js';
import { appendOp, type RunContext, runnerId } from './run-context.js';

type Outcome = 'succeeded' | 'failed' | 'cancelled';

export async function finishOperation(
  ctx: RunContext,
  rec: Rec<OperationState>,
  outcome: Outcome,
  error?: string,
) {
  const op = rec.state;
  if (op.target.type === 'application') await finishApplication(ctx, op, outcome);
  else await finishResource(ctx, op, outcome);
  const events = ctx.deps.events;
  if (outcome === 'succeeded') {
    await notifyInitiator(ctx, op, outcome, `${op.kind} completed`);
    await appendOp(ctx, rec, 'operation.succeeded', { message: `${op.kind} completed` });
    await events.operation(
      ctx.tenant,
      op.id,
      PlatformEvents.progressUpdated,
      progressData(op, 100, null, `${op.kind} completed`),
    );
    await events.operation(ctx.tenant, op.id, PlatformEvents.operationCompleted, {
      operation_id: op.id,
      kind: op.kind,
      target: op.target,
    });
  } else if (outcome === 'failed') {
    const message = error ?? 'Operation failed';
    await notifyInitiator(ctx, op, outcome, message);
    await appendOp(ctx, rec, 'operation.failed', { error: message });
    await events.operation(ctx.tenant, op.id, PlatformEvents.operationFailed, {
      operation_id: op.id,
      kind: op.kind,
      target: op.target,
      error: message,
    });
  } else {
    await notifyInitiator(ctx, op, outcome, 'Operation cancelled');
    await appendOp(ctx, rec, 'operation.cancelled', {});
    await events.operation(ctx.tenant, op.id, PlatformEvents.operationCancelled, {
      operation_id: op.id,
      kind: op.kind,
      target: op.target,
    });
  }
}

export function progressData(
  op: OperationState,
  progress: number,
  stage: string | null,
  message: string,
  logs: string[] = [],
) {
  return { operation_id: op.id, progress, current_stage: stage, message, logs };
}

function newActualState(op: OperationState, previous: ActualState | null): ActualState {
  const p = op.params as Partial<ActualState>;
  if (op.kind === 'restart' && previous)
    return { ...previous, deployed_at: new Date().toISOString(), operation_id: op.id };
  return {
    version: String(p.version),
    replicas: p.replicas ?? previous?.replicas ?? 1,
    env: p.env ?? {},
    resources: p.resources ?? {},
    deployed_at: new Date().toISOString(),
    operation_id: op.id,
  };
}

async function finishApplication(ctx: RunContext, op: OperationState, outcome: Outcome): Promise<void> {
  const app = ctx.deps.projection.model.application(ctx.tenant, op.target.id);
  if (!app || app.state.active_operation_id !== op.id) return;
  const status =
    outcome === 'succeeded' ? 'deployed' : outcome === 'failed' ? 'failed' : restingStatus(app.state);
  const putsVersion = outcome === 'succeeded' && op.kind !== 'restart';
  const data = {
    operation_id: op.id,
    outcome,
    status,
    ...(outcome === 'succeeded' && { actual_state: newActualState(op, app.state.actual_state) }),
    ...(putsVersion && { deployed_version: String(op.params.version) }),
  } as const;
  const ref = {
    tenant_id: ctx.tenant,
    aggregate: AggregateTypes.application,
    id: app.state.id,
    by: runnerId(ctx),
  };
  await ctx.deps.store.append(makeEvent(ref, 'application.operation_finished', data), app.seq);
  const version = String(op.params.version ?? app.state.actual_state?.version ?? '');
  const events = ctx.deps.events;
  await events.application(ctx.tenant, app.state.id, PlatformEvents.statusChanged, {
    application_id: app.state.id,
    status,
    previous_status: app.state.status,
    details: {
      version,
      operation_id: op.id,
      ...(outcome === 'succeeded' && { deployment_time: new Date().toISOString() }),
    },
  });
  if (op.kind === 'restart') return;
  const event =
    outcome === 'succeeded' ? PlatformEvents.deploymentCompleted : PlatformEvents.deploymentFailed;
  await events.application(ctx.tenant, app.state.id, event, {
    application_id: app.state.id,
    deployment_id: op.id,
    version,
    outcome,
  });
}

const RESOURCE_END: Record<'resource_create' | 'resource_delete', Record<Outcome, ResourceStatus>> = {
  resource_create: { succeeded: 'ready', failed: 'failed', cancelled: 'failed' },
  resource_delete: { succeeded: 'deleted', failed: 'failed', cancelled: 'ready' },
};

async function finishResource(ctx: RunContext, op: OperationState, outcome: Outcome): Promise<void> {
  const rec = ctx.deps.projection.model.resources.get(ctx.tenant, op.target.id);
  if (!rec || rec.state.active_operation_id !== op.id) return;
  const status = RESOURCE_END[op.kind as 'resource_create' | 'resource_delete'][outcome];
  const ref = {
    tenant_id: ctx.tenant,
    aggregate: AggregateTypes.resource,
    id: rec.state.id,
    by: runnerId(ctx),
  };
  await ctx.deps.store.append(
    makeEvent(ref, 'resource.status_changed', { status, operation_id: null }),
    rec.seq,
  );
  const events = ctx.deps.events;
  await events.resource(ctx.tenant, rec.state.id, 'status', PlatformEvents.statusChanged, {
    resource_id: rec.state.id,
    status,
    previous_status: rec.state.status,
    details: { operation_id: op.id, resource_type: rec.state.type },
  });
  if (op.kind === 'resource_create' && outcome === 'succeeded') {
    await events.resource(ctx.tenant, rec.state.id, 'health', PlatformEvents.healthCheckPassed, {
      resource_id: rec.state.id,
      resource_type: rec.state.type,
      health_status: 'healthy',
      timestamp: new Date().toISOString(),
    });
  }
}
