// A Connection without sockets, NATS or other services: a recording transport and a ConnectionContext
// of fakes, each overridable, so a unit test drives one session frame by frame.
import { defaultRealtimeConfig, type RealtimeConfig } from '@idp/config';
import { ApiError, type Principal } from '@idp/contracts';
import { createLogger } from '@idp/observability';
import { Connection } from '../src/connection.js';
import { ConnectionLimits } from '../src/connection-limits.js';
import type { ConnectionContext, ReplaySource, Transport } from '../src/context.js';
import { RefusalCache } from '../src/refusal-cache.js';
import { SubscriptionIndex } from '../src/subscription-index.js';
import type { TopicDecision } from '../src/topic-authorizer.js';

export const logger = createLogger({ service: 'test', level: 'silent' });
export const alice: Principal = { sub: 'alice', tenant_id: 't1', roles: [], credential: 'jwt' };

/** Allows `application:app_ok*:status`, refuses anything else (FORBIDDEN). */
export async function allowAppOk(_p: Principal, topic: string): Promise<TopicDecision> {
  return topic.startsWith('application:app_ok')
    ? {
        allowed: true,
        rule: 'test',
        topic: { kind: 'application', id: topic.split(':')[1]!, channel: 'status' },
      }
    : { allowed: false, code: 'FORBIDDEN', message: `Not allowed to subscribe to '${topic}'` };
}

export const idleReplayer = (): ReplaySource => ({
  acquire: async () => () => undefined,
  prepare: async (subject) => ({ subject, pending: 0, consumer: undefined }),
  discard: async () => undefined,
  run: async () => 'done',
});

export interface FakeOptions {
  principals?: Record<string, Principal>;
  authorize?: ConnectionContext['authorize'];
  authenticate?: ConnectionContext['authenticate'];
  replayer?: ReplaySource;
}

export function setup(overrides: Partial<RealtimeConfig> = {}, options: FakeOptions = {}) {
  // biome-ignore lint/suspicious/noExplicitAny: test inspects JSON
  const sent: any[] = [];
  const closes: number[] = [];
  const state = { buffered: 0, pings: 0 };
  const transport: Transport = {
    send: (frame) => sent.push(JSON.parse(String(frame))),
    bufferedBytes: () => state.buffered,
    ping: () => state.pings++,
    close: (code) => closes.push(code),
  };
  const config = defaultRealtimeConfig(overrides);
  const index = new SubscriptionIndex();
  const limits = new ConnectionLimits(config);
  const authorizeCalls: string[] = [];
  const authorize = options.authorize ?? allowAppOk;
  const ctx: ConnectionContext = {
    config,
    logger,
    index,
    authenticate:
      options.authenticate ??
      (async (token) => {
        const p = { 'tok-alice': alice, ...options.principals }[token];
        if (!p) throw new ApiError('UNAUTHENTICATED', 'invalid token');
        return p;
      }),
    authorize: (p, topic) => {
      authorizeCalls.push(topic);
      return authorize(p, topic);
    },
    refusals: new RefusalCache(config.refusal_cache_ttl_ms, config.refusal_cache_max_entries),
    claimPrincipal: (p) => limits.claimPrincipal(`${p.tenant_id}\n${p.sub}`),
    stream: { epoch: async () => 'e1', refresh: async () => ({ epoch: 'e1', firstSeq: 1, lastSeq: 0 }) },
    replayer: options.replayer ?? idleReplayer(),
  };
  let n = 0;
  const connect = (queryToken?: string, now = Date.now()) =>
    new Connection(`c${++n}`, transport, ctx, queryToken, now);
  return { sent, closes, state, index, ctx, connect, authorizeCalls };
}

export async function authed(overrides: Partial<RealtimeConfig> = {}, options: FakeOptions = {}) {
  const s = setup(overrides, options);
  const c = s.connect();
  c.onFrame(JSON.stringify({ type: 'auth', token: 'tok-alice' }), false);
  await c.settled();
  return { ...s, c };
}

export const frame = (message: unknown) => JSON.stringify(message);
