// Pulls operation work items from the shared work-queue consumer and runs them. The item stays in
// the queue until its operation reached an end state; a runner that dies stops calling working(),
// so after ack_wait another instance receives it and resumes the operation.
import { OPERATIONS_WORK_SUBJECT, Streams } from '@idp/contracts';
import { decodeJson } from '@idp/nats';
import { AckPolicy, type Consumer, JetStreamApiError, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isTerminal } from '../aggregates/operation.js';
import type { WorkItem } from '../commands/start-operation.js';
import type { Deps, RunnerHealth } from '../deps.js';
import { isWrongSequence, sleep } from '../event-store.js';
import { executeOperation, type RunOutcome } from './execute.js';
import { appendOp, currentOp, type RunContext, type RunnerHooks } from './run-context.js';

export const RUNNER_DURABLE = 'platform-runner';
/** How often a work item may come back before its operation shows up (or attaches) in the event store. */
const NOT_READY_REDELIVERIES = 10;
const NOT_READY_DELAY_MS = 300;

type Verdict = RunOutcome | 'later' | 'drop';

export class OperationRunner {
  private stopping = false;
  private killed = false;
  private readonly active = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private completed = 0;
  private lastError: string | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly instance: string,
    private readonly hooks: RunnerHooks = {},
  ) {}

  health(): RunnerHealth {
    return {
      running: !!this.loop && !this.stopping,
      active: this.active.size,
      completed: this.completed,
      last_error: this.lastError,
    };
  }

  async start(): Promise<void> {
    const consumer = await this.ensureConsumer();
    this.loop = this.pull(consumer);
  }

  /** Graceful: stop pulling, hand running operations back to the queue for another instance. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await Promise.allSettled([...this.active]);
  }

  /** Abrupt (tests simulate a crash with it): stop everything without acking or nak-ing anything. */
  kill(): void {
    this.stopping = true;
    this.killed = true;
  }

  private async ensureConsumer(): Promise<Consumer> {
    const { jsm, js, env } = this.deps;
    const config = { ack_wait: nanos(env.IDP_OPERATION_ACK_WAIT_MS), max_deliver: -1, max_ack_pending: 1000 };
    try {
      await jsm.consumers.add(Streams.operationsWork.name, {
        durable_name: RUNNER_DURABLE,
        ack_policy: AckPolicy.Explicit,
        filter_subject: OPERATIONS_WORK_SUBJECT,
        ...config,
      });
    } catch (error) {
      if (!(error instanceof JetStreamApiError)) throw error;
      await jsm.consumers.update(Streams.operationsWork.name, RUNNER_DURABLE, config);
    }
    return js.consumers.get(Streams.operationsWork.name, RUNNER_DURABLE);
  }

  private async pull(consumer: Consumer): Promise<void> {
    const limit = this.deps.env.IDP_OPERATION_CONCURRENCY;
    while (!this.stopping) {
      if (this.active.size >= limit) {
        await Promise.race(this.active);
        continue;
      }
      let msg: JsMsg | null = null;
      try {
        msg = await consumer.next({ expires: 1000 });
      } catch (error) {
        if (this.stopping) break;
        this.deps.logger.debug({ err: error }, 'work queue pull failed, retrying');
        await sleep(500);
        continue;
      }
      if (!msg) continue;
      if (this.stopping) {
        if (!this.killed) msg.nak();
        break;
      }
      const task = this.handle(msg).finally(() => this.active.delete(task));
      this.active.add(task);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const item = decodeJson(msg.data) as WorkItem;
    const log = this.deps.logger.child({
      operation_id: item.operation_id,
      tenant_id: item.tenant_id,
      delivery: msg.info.deliveryCount,
    });
    const heartbeat = () => {
      try {
        if (!this.killed) msg.working();
      } catch {
        // disconnected: the next heartbeat tries again, and ack_wait covers the gap or hands over
      }
    };
    try {
      const verdict = await this.claimAndRun(item, msg, heartbeat);
      if (this.killed) return;
      if (verdict === 'done') msg.ack();
      else if (verdict === 'later') msg.nak(NOT_READY_DELAY_MS);
      else if (verdict === 'drop') msg.term('operation does not exist');
      if (verdict === 'done') this.completed++;
      log.debug({ verdict }, 'work item handled');
    } catch (error) {
      if (this.killed) return;
      this.lastError = error instanceof Error ? error.message : String(error);
      if (!this.stopping) log.error({ err: error }, 'operation run failed; it will be retried');
      try {
        msg.nak(this.stopping ? 0 : Math.min(1000, this.deps.env.IDP_OPERATION_ACK_WAIT_MS));
      } catch {
        // connection gone: ack_wait hands it to another runner
      }
    }
  }

  private async claimAndRun(item: WorkItem, msg: JsMsg, heartbeat: () => void): Promise<Verdict> {
    const ctx: RunContext = {
      deps: this.deps,
      tenant: item.tenant_id,
      operationId: item.operation_id,
      attempt: 0,
      instance: this.instance,
      heartbeat,
      stopped: () => this.stopping,
      hooks: this.hooks,
    };
    await this.deps.barrier.wait();
    const rec = currentOp(ctx);
    const notReady = msg.info.deliveryCount < NOT_READY_REDELIVERIES;
    if (!rec) return notReady ? 'later' : 'drop';
    if (isTerminal(rec.state.status)) return 'done';
    ctx.attempt = rec.state.attempts;
    if (rec.state.attempts === 0 && !this.attached(ctx)) {
      if (notReady) return 'later';
      return executeOperation(ctx, 'The operation was never attached to its target');
    }
    const max = this.deps.env.IDP_OPERATION_MAX_ATTEMPTS;
    if (rec.state.attempts >= max)
      return executeOperation(ctx, `Operation failed after ${rec.state.attempts} attempts`);
    try {
      await appendOp(ctx, rec, 'operation.started', {
        attempt: rec.state.attempts + 1,
        instance: this.instance,
      });
    } catch (error) {
      if (isWrongSequence(error)) return 'later';
      throw error;
    }
    ctx.attempt = rec.state.attempts + 1;
    return executeOperation(ctx);
  }

  private attached(ctx: RunContext): boolean {
    const op = currentOp(ctx)?.state;
    if (!op) return false;
    const model = this.deps.projection.model;
    const target =
      op.target.type === 'application'
        ? model.application(ctx.tenant, op.target.id)
        : model.resources.get(ctx.tenant, op.target.id);
    return target?.state.active_operation_id === op.id;
  }
}
