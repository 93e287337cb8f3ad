// The topics of one connection: authorisation (cached briefly), the subscription limit, registration
// in the fan-out index, and resume (buffer live → replay from JetStream → flush newer live events).
import { CloseCodes, EventSubjects, type Principal, type SubscribeMessage } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import type { ConnectionContext } from './context.js';
import { buildEventFrame } from './event-frame.js';
import type { PreparedReplay } from './replay.js';
import { canResume } from './stream-state.js';
import { type FrameSink, TopicSubscription } from './topic-subscription.js';

/** The parts of a Connection this module uses. */
export interface SubscriptionOwner extends FrameSink {
  readonly principal: Principal | undefined;
  readonly logger: Logger;
  readonly isOpen: boolean;
  sendJson(message: object): void;
  sendError(error: {
    code: 'FORBIDDEN' | 'VALIDATION_ERROR' | 'QUOTA_EXCEEDED' | string;
    message: string;
    details?: Record<string, unknown>;
  }): void;
  bufferedBytes(): number;
  close(code: number, reason: string): void;
}

interface Allowed {
  topic: string;
  subject: string;
  rule: string;
}

export class Subscriptions {
  private readonly byTopic = new Map<string, TopicSubscription>();
  private decisions: Map<string, { rule: string; subject: string; until: number }> | undefined;

  constructor(
    private readonly owner: SubscriptionOwner,
    private readonly ctx: ConnectionContext,
  ) {}

  get size(): number {
    return this.byTopic.size;
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  forgetDecisions(): void {
    this.decisions = undefined;
  }

  async subscribe(message: SubscribeMessage): Promise<void> {
    const limit = this.ctx.config.max_topics_per_connection;
    const wanted = [...new Set(message.topics)];
    const added = wanted.filter((t) => !this.byTopic.has(t) || message.since !== undefined);
    if (wanted.length > limit || this.size + added.filter((t) => !this.byTopic.has(t)).length > limit) {
      return this.owner.sendError({
        code: 'QUOTA_EXCEEDED',
        message: `Too many topics: at most ${limit} per connection`,
        details: { topics: wanted, limit },
      });
    }
    const allowed = await this.authorize(wanted);
    if (!this.owner.isOpen || allowed.length === 0) return;
    if (message.since === undefined) return this.subscribeLive(allowed);
    return this.resume(allowed, message.since, message.epoch);
  }

  private async authorize(topics: string[]): Promise<Allowed[]> {
    const principal = this.owner.principal!;
    const decisions = await Promise.all(topics.map((topic) => this.decide(principal, topic)));
    const refused = new Map<string, { message: string; topics: string[] }>();
    const allowed: Allowed[] = [];
    for (const [i, d] of decisions.entries()) {
      const topic = topics[i]!;
      if ('subject' in d) {
        allowed.push({ topic, subject: d.subject, rule: d.rule });
        continue;
      }
      const entry = refused.get(d.code) ?? { message: d.message, topics: [] };
      entry.topics.push(topic);
      refused.set(d.code, entry);
    }
    for (const [code, { message, topics: which }] of refused) {
      this.owner.logger.info({ code, topics: which }, 'subscription refused');
      const text = which.length === 1 ? message : `${message} (and ${which.length - 1} more topics)`;
      this.owner.sendError({ code, message: text, details: { topics: which } });
    }
    return allowed;
  }

  private async decide(principal: Principal, topic: string) {
    const now = Date.now();
    const cached = this.decisions?.get(topic);
    if (cached && cached.until > now) return { rule: `${cached.rule} (cached)`, subject: cached.subject };
    const decision = await this.ctx.authorize(principal, topic);
    if (!decision.allowed) return decision;
    const subject = EventSubjects.forTopic(principal.tenant_id, decision.topic);
    this.decisions ??= new Map();
    this.decisions.set(topic, {
      rule: decision.rule,
      subject,
      until: now + this.ctx.config.authz_cache_ttl_ms,
    });
    return { rule: decision.rule, subject };
  }

  private register(a: Allowed): TopicSubscription {
    this.drop(a.topic);
    const sub = new TopicSubscription(
      a.topic,
      a.subject,
      this.owner,
      a.rule,
      0,
      this.ctx.config.replay_max_events,
    );
    this.byTopic.set(a.topic, sub);
    this.ctx.index.add(sub);
    return sub;
  }

  private async subscribeLive(allowed: Allowed[]): Promise<void> {
    const epoch = await this.ctx.stream.epoch();
    if (!this.owner.isOpen) return;
    // Registered and acknowledged in the same tick, so no live event can precede `subscribed`.
    for (const a of allowed) {
      if (!this.byTopic.has(a.topic)) this.register(a);
      this.owner.logger.info({ topic: a.topic, rule: a.rule }, 'subscribed');
    }
    this.owner.sendJson({ type: 'subscribed', topics: allowed.map((a) => a.topic), epoch });
  }

  private async resume(allowed: Allowed[], since: number, epoch: string | undefined): Promise<void> {
    // Buffer live events first: anything stored from now on reaches the buffer, anything before is replayed.
    const subs = allowed.map((a) => this.register(a));
    for (const s of subs) s.beginCatchUp(since);
    const release = await this.ctx.replayer.acquire();
    const prepared: PreparedReplay[] = [];
    try {
      const window = await this.ctx.stream.refresh();
      let resumable = canResume(window, since, epoch);
      if (resumable) {
        for (const s of subs) prepared.push(await this.ctx.replayer.prepare(s.subject, since));
        resumable = prepared.reduce((n, p) => n + p.pending, 0) <= this.ctx.config.replay_max_events;
      }
      this.logSubscribed(subs, since, resumable);
      this.owner.sendJson({
        type: 'subscribed',
        topics: allowed.map((a) => a.topic),
        epoch: window.epoch,
        resumed: resumable,
      });
      if (!resumable) {
        for (const s of subs) s.abandonCatchUp();
        return;
      }
      for (const [i, s] of subs.entries()) {
        if (!(await this.replayOne(s, prepared[i]!))) return;
        prepared[i] = { ...prepared[i]!, consumer: undefined };
      }
    } catch (error) {
      this.owner.logger.warn({ err: error }, 'resume failed');
      this.owner.close(CloseCodes.RESUME_INTERRUPTED, 'resume interrupted');
    } finally {
      await Promise.all(prepared.map((p) => this.ctx.replayer.discard(p)));
      release();
    }
  }

  /** Replays one topic then switches it to live; false (and the connection closed) when it could not finish. */
  private async replayOne(sub: TopicSubscription, prepared: PreparedReplay): Promise<boolean> {
    const half = this.ctx.config.send_buffer_bytes / 2;
    const outcome = await this.ctx.replayer.run(
      prepared,
      (seq, body, storedAt) => sub.replayed(seq, buildEventFrame(sub.topic, body, seq, storedAt)),
      {
        timeoutMs: this.ctx.config.replay_timeout_ms,
        cancelled: () => sub.closed || !this.owner.isOpen,
        drain: () =>
          waitBelow(
            () => this.owner.bufferedBytes(),
            half,
            () => !this.owner.isOpen,
          ),
      },
    );
    if (outcome === 'cancelled') return false;
    if (outcome !== 'done') {
      this.owner.logger.warn(
        { topic: sub.topic, outcome },
        'replay did not finish; client must resume again',
      );
      this.owner.close(CloseCodes.RESUME_INTERRUPTED, 'resume interrupted');
      return false;
    }
    sub.goLive();
    return true;
  }

  private logSubscribed(subs: TopicSubscription[], since: number, resumed: boolean): void {
    for (const s of subs)
      this.owner.logger.info({ topic: s.topic, rule: s.rule, since, resumed }, 'subscribed');
  }

  unsubscribe(topics: string[]): void {
    for (const topic of topics) this.drop(topic);
  }

  private drop(topic: string): void {
    const sub = this.byTopic.get(topic);
    if (!sub) return;
    sub.closed = true;
    this.ctx.index.remove(sub);
    this.byTopic.delete(topic);
  }

  clear(): void {
    for (const topic of [...this.byTopic.keys()]) this.drop(topic);
  }
}

/** Resolves once `value()` is at most `limit` (polling the socket's buffer), or when `stop()` says so. */
async function waitBelow(value: () => number, limit: number, stop: () => boolean): Promise<void> {
  for (let i = 0; i < 3_000 && value() > limit && !stop(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
