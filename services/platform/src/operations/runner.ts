// Pulls operation work items from the shared work-queue consumer and runs them. The item stays in
// the queue until its operation reached an end state; a runner that dies stops renewing its lease
// (work-lease.ts), so after ack_wait another instance receives it and resumes the operation. A NATS
// outage is not a death: the run waits it out and keeps its lease, a redelivery to the instance
// already running the operation is adopted by that run, and right after an outage a redelivered item
// is given to its owner to reclaim before anyone takes it over (which would cost an attempt).
import { OPERATIONS_WORK_SUBJECT, Streams } from '@idp/contracts';
import { decodeJson } from '@idp/nats';
import { Attr, withSpan } from '@idp/tracing';
import { AckPolicy, type Consumer, JetStreamApiError, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isTerminal } from '../aggregates/operation.js';
import type { WorkItem } from '../commands/start-operation.js';
import type { Deps, RunnerHealth } from '../deps.js';
import { isWrongSequence, sleep } from '../event-store.js';
import { executeOperation, type RunOutcome } from './execute.js';
import { handBack, handedBackAttempt } from './hand-back.js';
import { NatsLink } from './nats-link.js';
import { appendOp, currentOp, type RunContext, type RunnerHooks, RunnerStoppedError } from './run-context.js';
import { WorkLease } from './work-lease.js';

export const RUNNER_DURABLE = 'platform-runner';
/** How often a work item may come back before its operation shows up (or attaches) in the event store. */
const NOT_READY_REDELIVERIES = 10;
const NOT_READY_DELAY_MS = 300;

/**
 * After an outage, how many ack_waits a redelivered item's owner gets to renew its lease again before
 * another instance takes the operation over: its renewals resume at once on reconnect.
 */
const OWNER_GRACE_ACK_WAITS = 2;

/** `owner-grace`: someone else may still be running it; look again after ack_wait. */
type Verdict = RunOutcome | 'later' | 'drop' | 'owner-grace';

export class OperationRunner {
  private stopping = false;
  private killed = false;
  private readonly active = new Set<Promise<void>>();
  /** Leases of the operations running here, by tenant/operation: a redelivery of one joins its run. */
  private readonly leases = new Map<string, WorkLease>();
  private readonly link: NatsLink;
  private loop?: Promise<void>;
  private completed = 0;
  private lastError: string | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly instance: string,
    private readonly hooks: RunnerHooks = {},
  ) {
    this.link = new NatsLink(deps.nc);
  }

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
    this.link.start();
    this.loop = this.pull(consumer);
  }

  /** Graceful: stop pulling, hand running operations back to the queue for another instance. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await Promise.allSettled([...this.active]);
    this.link.stop();
  }

  /** Abrupt (tests simulate a crash with it): stop everything without acking or nak-ing anything. */
  kill(): void {
    this.stopping = true;
    this.killed = true;
    this.link.stop();
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
    const key = `${item.tenant_id}/${item.operation_id}`;
    const held = this.leases.get(key);
    if (held) {
      held.adopt(msg);
      log.debug('work item redelivered while this instance runs it: the run keeps it');
      return;
    }
    const lease = new WorkLease(msg, this.renewEveryMs(), () => this.killed);
    this.leases.set(key, lease);
    lease.start();
    const renewOnReconnect = this.link.onReconnect(() => lease.renew());
    try {
      const verdict = await this.traced(item, msg, () => this.claimAndRun(item, msg, lease));
      this.settle(lease, verdict);
      log.debug({ verdict }, 'work item handled');
    } catch (error) {
      if (this.killed) return;
      this.lastError = error instanceof Error ? error.message : String(error);
      if (error instanceof RunnerStoppedError && error.attempt > 0)
        return await handBack(this.deps, msg, lease, error.attempt);
      if (!this.stopping) log.error({ err: error }, 'operation run failed; it will be retried');
      lease.nak(this.stopping ? 0 : Math.min(1000, this.deps.env.IDP_OPERATION_ACK_WAIT_MS));
    } finally {
      renewOnReconnect();
      lease.release();
      this.leases.delete(key);
    }
  }

  private settle(lease: WorkLease, verdict: Verdict): void {
    if (verdict === 'done') {
      lease.ack();
      this.completed++;
    } else if (verdict === 'later') lease.nak(NOT_READY_DELAY_MS);
    else if (verdict === 'owner-grace') lease.nak(this.deps.env.IDP_OPERATION_ACK_WAIT_MS);
    else if (verdict === 'drop') lease.term('operation does not exist');
  }

  /** Well inside ack_wait, so one lost renewal does not hand the item out. */
  private renewEveryMs(): number {
    return Math.max(100, Math.floor(this.deps.env.IDP_OPERATION_ACK_WAIT_MS / 3));
  }

  /**
   * The run continues the trace of the request that created the operation: its context travels in
   * the work item's headers (start-operation.ts), so each delivery is a child of that request.
   */
  private traced(item: WorkItem, msg: JsMsg, run: () => Promise<Verdict>): Promise<Verdict> {
    const attributes = {
      [Attr.operationId]: item.operation_id,
      [Attr.tenant]: item.tenant_id,
      [Attr.delivery]: msg.info.deliveryCount,
    };
    return withSpan('operation run', { kind: 'consumer', parent: msg.headers, attributes }, async (span) => {
      const verdict = await run();
      span.setAttributes({ [Attr.operationVerdict]: verdict });
      return verdict;
    });
  }

  private async claimAndRun(item: WorkItem, msg: JsMsg, lease: WorkLease): Promise<Verdict> {
    const ctx: RunContext = {
      deps: this.deps,
      tenant: item.tenant_id,
      operationId: item.operation_id,
      attempt: 0,
      instance: this.instance,
      heartbeat: () => lease.renew(),
      natsAway: (since) => this.link.disruptedSince(since),
      stopped: () => this.stopping,
      hooks: this.hooks,
    };
    await this.deps.barrier.wait();
    const rec = currentOp(ctx);
    const notReady = msg.info.deliveryCount < NOT_READY_REDELIVERIES;
    if (!rec) return notReady ? 'later' : 'drop';
    if (isTerminal(rec.state.status)) return 'done';
    ctx.attempt = rec.state.attempts;
    // Handed back by a stopping instance whose run has ended: resume its attempt rather than start one.
    if (handedBackAttempt(msg) === rec.state.attempts) return executeOperation(ctx);
    if (rec.state.attempts === 0 && !this.attached(ctx)) {
      if (notReady) return 'later';
      return executeOperation(ctx, 'The operation was never attached to its target');
    }
    if (rec.state.attempts > 0 && this.ownerMayReclaim(msg)) return 'owner-grace';
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

  /**
   * A started operation handed out again shortly after NATS was away: its owner's renewals were lost in
   * the outage rather than the owner being dead, most likely, and they resume on reconnect. Taking it
   * over now would cost it an attempt, so the item goes back until the grace has passed.
   */
  private ownerMayReclaim(msg: JsMsg): boolean {
    const grace = OWNER_GRACE_ACK_WAITS * this.deps.env.IDP_OPERATION_ACK_WAIT_MS;
    return msg.info.redelivered && this.link.sinceLastDisruption() < grace;
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
