// Runs one claimed operation to an end state. Every step re-reads the operation from the caught-up
// read model and derives the next action from it, so a resumed run picks up at the first stage not
// completed, and an append that lost a race (or whose ack was lost) is simply re-decided.
import { PlatformEvents } from '@idp/contracts';
import { Attr, withSpan } from '@idp/tracing';
import { isTerminal, type OperationState, toOperation } from '../aggregates/operation.js';
import { isWrongSequence, sleep } from '../event-store.js';
import type { Rec } from '../projection/store.js';
import { finishOperation, progressData } from './finalize.js';
import { appendOp, currentOp, type RunContext, RunCrashedError, RunnerStoppedError } from './run-context.js';
import { stageLogs } from './stages.js';

export type RunOutcome = 'done' | 'lost';

/** Failures in a row, with NATS up, before the run gives up (and the next run costs an attempt). */
const TRANSIENT_FAILURES = 30;
const RETRY_PAUSE_MS = 500;
const SLICE_MS = 100;

/** `failReason` set: the run's only job is to fail the operation (e.g. too many attempts). */
export async function executeOperation(ctx: RunContext, failReason?: string): Promise<RunOutcome> {
  const maxSteps = 40;
  let failures = 0;
  // Only steps that did something or failed on their own count: waiting out an outage is no step,
  // and it ends when NATS is back or the instance stops (giving up would cost the operation an attempt).
  for (let step = 0; step < maxSteps; ) {
    // A run that only fails the operation is no attempt to resume: the next runner decides afresh.
    if (ctx.stopped()) throw new RunnerStoppedError(failReason ? 0 : ctx.attempt);
    const began = Date.now();
    try {
      await ctx.deps.barrier.wait();
      const rec = currentOp(ctx);
      if (!rec || isTerminal(rec.state.status)) return 'done';
      if (rec.state.attempts !== ctx.attempt) return 'lost';
      await nextStep(ctx, rec, failReason);
      failures = 0;
      step++;
    } catch (error) {
      if (isWrongSequence(error)) {
        step++;
        continue;
      }
      const fatal = error instanceof RunnerStoppedError || error instanceof RunCrashedError;
      if (fatal || ctx.stopped()) throw error;
      if (!ctx.natsAway(began)) {
        step++;
        if (++failures > TRANSIENT_FAILURES) throw error;
      }
      ctx.deps.logger.warn({ err: error, operation_id: ctx.operationId }, 'operation step failed, retrying');
      ctx.heartbeat();
      await sleep(RETRY_PAUSE_MS);
    }
  }
  throw new Error(`operation ${ctx.operationId} did not settle in ${maxSteps} steps`);
}

async function nextStep(ctx: RunContext, rec: Rec<OperationState>, failReason?: string): Promise<void> {
  const op = rec.state;
  const finish = (outcome: 'succeeded' | 'failed' | 'cancelled', error?: string) =>
    traced('operation finish', rec, null, () => finishOperation(ctx, rec, outcome, error));
  if (failReason) return finish('failed', failReason);
  const next = op.stages.find((s) => s.status !== 'succeeded');
  // All stages done wins over a late cancel request: the effect has already happened.
  if (!next) return finish('succeeded');
  if (op.cancel_requested) return finish('cancelled');
  if (next.status !== 'in_progress' || op.current_stage !== next.name)
    return traced('operation stage start', rec, next.name, () => startStage(ctx, rec, next.name));
  return traced('operation stage run', rec, next.name, () => runStage(ctx, rec, next.name));
}

/** One step of the run as a span: its appends and the events it publishes (with its context) are children. */
function traced(
  name: string,
  rec: Rec<OperationState>,
  stage: string | null,
  step: () => Promise<void>,
): Promise<void> {
  const attributes = {
    [Attr.operationId]: rec.state.id,
    [Attr.operationKind]: rec.state.kind,
    [Attr.operationStage]: stage ?? undefined,
  };
  return withSpan(name, { attributes }, step);
}

async function startStage(ctx: RunContext, rec: Rec<OperationState>, stage: string): Promise<void> {
  await appendOp(ctx, rec, 'operation.stage_started', { stage });
  const message = `Running stage ${stage}`;
  // A resumed run may publish a stage's progress again; subscribers see a repeat, never a gap.
  await ctx.deps.events.operation(
    ctx.tenant,
    rec.state.id,
    PlatformEvents.progressUpdated,
    progressData(rec.state, rec.state.progress, stage, message),
  );
}

async function runStage(ctx: RunContext, rec: Rec<OperationState>, stage: string): Promise<void> {
  try {
    await ctx.hooks.beforeStage?.(toOperation(rec.state), stage);
  } catch (error) {
    throw new RunCrashedError(`run crashed in stage ${stage}`, { cause: error });
  }
  const cancelled = await simulateWork(ctx, ctx.deps.env.IDP_OPERATION_STAGE_MS);
  if (cancelled) return; // the next step sees cancel_requested and ends the operation
  const logs = stageLogs(rec.state.kind, stage, rec.state.params);
  await appendOp(ctx, rec, 'operation.stage_completed', { stage, logs });
  const done = rec.state.stages.filter((s) => s.status === 'succeeded').length + 1;
  const progress = Math.round((done / rec.state.stages.length) * 100);
  await ctx.deps.events.operation(
    ctx.tenant,
    rec.state.id,
    PlatformEvents.progressUpdated,
    progressData(rec.state, progress, stage, `Completed stage ${stage}`, logs),
  );
}

/** Sleeps for a stage in short slices, staying alive for the work queue and watching for cancellation. */
async function simulateWork(ctx: RunContext, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (ctx.stopped()) throw new RunnerStoppedError(ctx.attempt);
    if (currentOp(ctx)?.state.cancel_requested) return true;
    ctx.heartbeat();
    await sleep(Math.min(SLICE_MS, until - Date.now()));
  }
  return false;
}
