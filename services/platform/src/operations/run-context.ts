// What one run of one operation carries: who runs it, which attempt it is, and how it reports liveness.
import type { Operation } from '@idp/contracts';
import type { OperationState } from '../aggregates/operation.js';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
import type { Rec } from '../projection/store.js';

/** Test seams: a hook that throws simulates a runner crashing inside a stage. */
export interface RunnerHooks {
  beforeStage?: (op: Operation, stage: string) => void | Promise<void>;
}

export interface RunContext {
  deps: Deps;
  tenant: string;
  operationId: string;
  /** The attempt this runner owns; a different value in the projection means another runner took over. */
  attempt: number;
  instance: string;
  heartbeat: () => void;
  /** Whether NATS was away at any time since `since` (epoch ms): a failure then is not the run's. */
  natsAway: (since: number) => boolean;
  stopped: () => boolean;
  hooks: RunnerHooks;
}

/** A run that died inside a stage (as a crash would): not retried in place, the work item is redelivered. */
export class RunCrashedError extends Error {
  override readonly name = 'RunCrashedError';
}

/** Thrown when the instance stops mid-run: the work item is handed back (hand-back.ts) with its attempt. */
export class RunnerStoppedError extends Error {
  override readonly name = 'RunnerStoppedError';

  constructor(readonly attempt: number) {
    super('runner stopped');
  }
}

export const runnerId = (ctx: RunContext) => `runner:${ctx.instance}`;

export function opEvent<T extends string, D>(ctx: RunContext, type: T, data: D) {
  return makeEvent(
    { tenant_id: ctx.tenant, aggregate: AggregateTypes.operation, id: ctx.operationId, by: runnerId(ctx) },
    type,
    data,
  );
}

export function currentOp(ctx: RunContext): Rec<OperationState> | undefined {
  return ctx.deps.projection.model.operations.get(ctx.tenant, ctx.operationId);
}

/** Appends to the operation's own subject, expecting the sequence we last saw. */
export function appendOp<T extends string, D>(
  ctx: RunContext,
  rec: Rec<OperationState>,
  type: T,
  data: D,
): Promise<number> {
  return ctx.deps.store.append(opEvent(ctx, type, data), rec.seq);
}
