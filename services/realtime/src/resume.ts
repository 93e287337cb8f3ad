// Resume of the topics of one subscribe with `since`: buffer live events → count what was missed →
// `subscribed{resumed}` → replay → flush the newer live events. What it may cost is bounded: one replay
// slot of the instance (waited for at most `replay_slot_timeout_ms`), one JetStream consumer of this
// connection at a time however many topics it names, and `replay_timeout_ms` for the whole of it.
import { CloseCodes } from '@idp/contracts';
import type { ConnectionContext } from './context.js';
import { buildEventFrame } from './event-frame.js';
import type { PreparedReplay } from './replay.js';
import { canResume } from './stream-state.js';
import type { SubscriptionOwner } from './subscription-owner.js';
import type { TopicCheck } from './topic-checks.js';
import type { TopicSubscription } from './topic-subscription.js';

export type Allowed = Extract<TopicCheck, { allowed: true }>;

export interface ResumeDeps {
  owner: SubscriptionOwner;
  ctx: ConnectionContext;
  /** Registers the topic (replacing a held one) in the fan-out index. */
  register(allowed: Allowed): TopicSubscription;
}

export async function resumeTopics(
  deps: ResumeDeps,
  allowed: Allowed[],
  since: number,
  epoch: string | undefined,
): Promise<void> {
  const { owner, ctx } = deps;
  const waitMs = ctx.config.replay_slot_timeout_ms;
  const release = await ctx.replayer.acquire(waitMs);
  if (!release) {
    owner.logger.warn({ topics: allowed.map((a) => a.topic), wait_ms: waitMs }, 'no replay slot in time');
    owner.sendError({
      code: 'SERVICE_UNAVAILABLE',
      message: `No replay slot free within ${waitMs} ms (the instance is busy resuming other clients); reconnect and resume`,
      details: { reason: 'replay_slot_timeout', timeout_ms: waitMs },
    });
    owner.close(CloseCodes.RESUME_INTERRUPTED, 'no replay slot in time');
    ctx.metrics?.resume('no_slot');
    return;
  }
  const resume = new Resume(deps, since);
  try {
    if (owner.isOpen) await resume.run(allowed, epoch);
  } catch (error) {
    owner.logger.warn({ err: error }, 'resume failed');
    // Counted once per subscribe: a failure after `subscribed` is already counted as resumed.
    if (!resume.decided) ctx.metrics?.resume('failed');
    owner.close(CloseCodes.RESUME_INTERRUPTED, 'resume interrupted');
  } finally {
    await resume.discardHeld();
    release();
  }
}

class Resume {
  /** The one replay consumer this connection holds, if any. */
  private held: PreparedReplay | undefined;
  private readonly deadline: number;
  /** Whether the client was told `resumed` (true or false) yet. */
  decided = false;

  constructor(
    private readonly deps: ResumeDeps,
    private readonly since: number,
  ) {
    this.deadline = Date.now() + deps.ctx.config.replay_timeout_ms;
  }

  async run(allowed: Allowed[], epoch: string | undefined): Promise<void> {
    const { owner, ctx } = this.deps;
    // Buffer live events first: anything stored from now on reaches the buffer, anything before is replayed.
    const subs = allowed.map((a) => this.deps.register(a));
    for (const s of subs) s.beginCatchUp(this.since);
    const window = await ctx.stream.refresh();
    const pending = canResume(window, this.since, epoch) ? await this.count(subs) : undefined;
    const missed = pending?.reduce((n, p) => n + p, 0);
    const resumed = missed !== undefined && missed <= ctx.config.replay_max_events;
    this.decided = true;
    ctx.metrics?.resume(resumed ? 'resumed' : 'refetch', resumed ? missed : undefined);
    for (const s of subs)
      owner.logger.info({ topic: s.topic, rule: s.rule, since: this.since, resumed }, 'subscribed');
    owner.sendJson({ type: 'subscribed', topics: subs.map((s) => s.topic), epoch: window.epoch, resumed });
    if (!resumed || !pending) {
      for (const s of subs) s.abandonCatchUp();
      return;
    }
    for (const [i, s] of subs.entries()) if (pending[i] === 0) s.goLive();
    // The consumer kept from counting first, then one new consumer per remaining topic.
    const order = subs.filter((_, i) => pending[i]! > 0);
    order.sort((a, b) => Number(b.subject === this.held?.subject) - Number(a.subject === this.held?.subject));
    for (const s of order) {
      const kept = this.held?.subject === s.subject ? this.held : undefined;
      this.held = kept ?? (await ctx.replayer.prepare(s.subject, this.since));
      if (!(await this.replay(s, this.held))) return;
      this.held = undefined;
    }
  }

  /** Events missed per topic, counted with one consumer at a time; the last non-empty one is kept. */
  private async count(subs: TopicSubscription[]): Promise<number[]> {
    const pending: number[] = [];
    for (const s of subs) {
      await this.discardHeld();
      const prepared = await this.deps.ctx.replayer.prepare(s.subject, this.since);
      pending.push(prepared.pending);
      if (prepared.consumer) this.held = prepared;
    }
    return pending;
  }

  async discardHeld(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) await this.deps.ctx.replayer.discard(held);
  }

  /** Replays one topic then switches it to live; false (and the connection closed) when it could not finish. */
  private async replay(sub: TopicSubscription, prepared: PreparedReplay): Promise<boolean> {
    const { owner, ctx } = this.deps;
    const half = ctx.config.send_buffer_bytes / 2;
    // Frames queued since the replay last waited for the socket; they go out in one corked write on
    // the next turn. Waiting after every event cost a turn and a write per event (catching up 1,000
    // events took 2.5x Socket.IO's time); a burst stays within an eighth of the send buffer, so the
    // socket's backlog (at most half, after a wait) plus one burst never trips the buffer's limit.
    const burst = { frames: 0, bytes: 0 };
    const burstBytes = ctx.config.send_buffer_bytes / 8;
    const outcome = await ctx.replayer.run(
      prepared,
      (seq, body, storedAt) => {
        const frame = buildEventFrame(sub.topic, body, seq, storedAt);
        burst.frames += 1;
        burst.bytes += frame.length;
        sub.replayed(seq, frame);
      },
      {
        timeoutMs: Math.max(1, this.deadline - Date.now()),
        cancelled: () => sub.closed || !owner.isOpen,
        drain: async () => {
          if (burst.frames < BURST_FRAMES && burst.bytes < burstBytes) return;
          burst.frames = 0;
          burst.bytes = 0;
          await drainBelow(
            () => owner.bufferedBytes(),
            half,
            () => !owner.isOpen,
          );
        },
      },
    );
    ctx.metrics?.replayEnded(outcome);
    // Cancelled: the connection closed (stop), or this topic alone was dropped (go on with the rest).
    if (outcome === 'cancelled') return owner.isOpen;
    if (outcome !== 'done') {
      owner.logger.warn({ topic: sub.topic, outcome }, 'replay did not finish; client must resume again');
      owner.close(CloseCodes.RESUME_INTERRUPTED, 'resume interrupted');
      return false;
    }
    sub.goLive();
    return true;
  }
}

/** Most replayed frames queued before the replay waits for the socket (see `burst` in replay()). */
const BURST_FRAMES = 64;

/**
 * Resolves once `value()` is at most `limit` (polling the socket's buffer), or when `stop()` says so.
 * Frames sent in this tick reach the socket on the next turn of the event loop: it lets that happen
 * first, or a fast replay would queue a whole batch before the socket's count saw any of it.
 */
async function drainBelow(value: () => number, limit: number, stop: () => boolean): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 3_000 && value() > limit && !stop(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
