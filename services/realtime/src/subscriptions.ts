// The topics of one connection: checks (cached, budgeted: topic-checks.ts), the subscription limit,
// registration in the fan-out index, resume (resume.ts), and the re-check of every held topic when
// the connection re-authenticates, so a weaker token keeps only what it may read.
import type { Principal, SubscribeMessage } from '@idp/contracts';
import type { ConnectionContext } from './context.js';
import { type Allowed, resumeTopics } from './resume.js';
import type { SubscriptionOwner } from './subscription-owner.js';
import { type TopicCheck, TopicChecks } from './topic-checks.js';
import { TopicSubscription } from './topic-subscription.js';

export class Subscriptions {
  private readonly byTopic = new Map<string, TopicSubscription>();
  private readonly checks: TopicChecks;

  constructor(
    private readonly owner: SubscriptionOwner,
    private readonly ctx: ConnectionContext,
  ) {
    this.checks = new TopicChecks(ctx);
  }

  get size(): number {
    return this.byTopic.size;
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  async subscribe(message: SubscribeMessage): Promise<void> {
    const limit = this.ctx.config.max_topics_per_connection;
    const wanted = [...new Set(message.topics)];
    const added = wanted.filter((t) => !this.byTopic.has(t));
    if (wanted.length > limit || this.size + added.length > limit) {
      return this.owner.sendError({
        code: 'QUOTA_EXCEEDED',
        message: `Too many topics: at most ${limit} per connection`,
        details: { topics: wanted, limit },
      });
    }
    const checked = await this.checks.check(this.owner.principal!, wanted);
    this.reportRefused(checked, 'subscription refused');
    const allowed = checked.filter((c): c is Allowed => c.allowed);
    if (!this.owner.isOpen || allowed.length === 0) return;
    if (message.since === undefined) return this.subscribeLive(allowed);
    return resumeTopics(
      { owner: this.owner, ctx: this.ctx, register: (a) => this.register(a) },
      allowed,
      message.since,
      message.epoch,
    );
  }

  /**
   * The connection now runs on `principal`'s token: every held topic is checked again with it (no
   * cached decision of either token is reused) and the ones it may not read are dropped, each named
   * in an error. Until then events flow on the previous token, which is still valid.
   */
  async reauthenticated(previous: Principal, principal: Principal): Promise<void> {
    this.checks.forget(previous, principal);
    const held = this.topics();
    if (held.length === 0) return;
    const checked = await this.checks.check(principal, held);
    const lost = checked.filter((c) => !c.allowed);
    for (const c of lost) this.drop(c.topic);
    this.reportRefused(lost, 'subscription dropped on re-authentication', 'No longer allowed');
  }

  /** One error per refusal code, naming its topics (the SDK fails exactly those iterators). */
  private reportRefused(checked: TopicCheck[], logMessage: string, prefix?: string): void {
    const refused = new Map<string, { message: string; topics: string[] }>();
    for (const c of checked) {
      if (c.allowed) continue;
      const entry = refused.get(c.code) ?? { message: c.message, topics: [] };
      entry.topics.push(c.topic);
      refused.set(c.code, entry);
    }
    for (const [code, { message, topics }] of refused) {
      this.owner.logger.info({ code, topics }, logMessage);
      const first = prefix ? `${prefix}: '${topics[0]}'` : message;
      const text = topics.length === 1 ? first : `${first} (and ${topics.length - 1} more topics)`;
      this.owner.sendError({ code, message: text, details: { topics } });
    }
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
