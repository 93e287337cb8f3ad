// What a connection's topic checks may cost: allowed topics are remembered per connection for
// `authz_cache_ttl_ms`, refused ones per principal for `refusal_cache_ttl_ms` (instance-wide); what
// is left costs a platform request each, drawn from a per-connection budget (token bucket) and run a
// few at a time. A topic over budget is refused with RATE_LIMIT_EXCEEDED, never let through.
import { type ErrorCode, EventSubjects, type Principal } from '@idp/contracts';
import type { ConnectionContext } from './context.js';
import { principalFingerprint } from './refusal-cache.js';
import { TokenBucket } from './token-bucket.js';
import type { TopicDecision } from './topic-authorizer.js';

export type TopicCheck =
  | { topic: string; allowed: true; subject: string; rule: string }
  | { topic: string; allowed: false; code: ErrorCode; message: string };

const refusedMessage = (topic: string) => `Not allowed to subscribe to '${topic}'`;
const unavailable = (topic: string) => `Cannot check access to '${topic}' now; retry later`;

export class TopicChecks {
  private allowed: Map<string, { rule: string; subject: string; until: number }> | undefined;
  private readonly budget: TokenBucket;
  private fingerprint: { of: Principal; value: string } | undefined;

  constructor(private readonly ctx: ConnectionContext) {
    this.budget = new TokenBucket(ctx.config.topic_checks_per_second, ctx.config.topic_check_burst);
  }

  /** The principal's identity for the shared refusal cache (computed once per principal). */
  fingerprintOf(principal: Principal): string {
    if (this.fingerprint?.of !== principal)
      this.fingerprint = { of: principal, value: principalFingerprint(principal) };
    return this.fingerprint.value;
  }

  /** Forgets every decision about these principals (a re-authentication: rights may differ now). */
  forget(...principals: Principal[]): void {
    this.allowed = undefined;
    for (const p of principals) this.ctx.refusals.forget(this.fingerprintOf(p));
  }

  async check(principal: Principal, topics: string[], now = Date.now()): Promise<TopicCheck[]> {
    const fingerprint = this.fingerprintOf(principal);
    const results: TopicCheck[] = new Array(topics.length);
    const toAsk: number[] = [];
    for (const [i, topic] of topics.entries()) {
      const cached = this.allowed?.get(topic);
      if (cached && cached.until > now) {
        results[i] = { topic, allowed: true, subject: cached.subject, rule: `${cached.rule} (cached)` };
      } else if (this.ctx.refusals.has(fingerprint, topic, now)) {
        results[i] = { topic, allowed: false, code: 'FORBIDDEN', message: refusedMessage(topic) };
      } else if (!this.budget.take(now)) {
        const rate = this.ctx.config.topic_checks_per_second;
        const message = `Over ${rate} topic checks per second; subscribe to '${topic}' again later`;
        results[i] = { topic, allowed: false, code: 'RATE_LIMIT_EXCEEDED', message };
      } else toAsk.push(i);
    }
    await eachLimited(toAsk, this.ctx.config.max_concurrent_topic_checks, async (i) => {
      results[i] = await this.ask(principal, fingerprint, topics[i]!);
    });
    return results;
  }

  private async ask(principal: Principal, fingerprint: string, topic: string): Promise<TopicCheck> {
    let decision: TopicDecision;
    try {
      decision = await this.ctx.authorize(principal, topic);
    } catch {
      // Deny by default: a check that could not be made is a refusal the client may retry.
      return { topic, allowed: false, code: 'SERVICE_UNAVAILABLE', message: unavailable(topic) };
    }
    const now = Date.now();
    if (!decision.allowed) {
      // Only a definite "no" is remembered; "could not check now" is asked again next time.
      if (decision.code === 'FORBIDDEN') this.ctx.refusals.add(fingerprint, topic, now);
      return { topic, allowed: false, code: decision.code, message: decision.message };
    }
    const subject = EventSubjects.forTopic(principal.tenant_id, decision.topic);
    this.allowed ??= new Map();
    this.allowed.set(topic, {
      rule: decision.rule,
      subject,
      until: now + this.ctx.config.authz_cache_ttl_ms,
    });
    return { topic, allowed: true, subject, rule: decision.rule };
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
