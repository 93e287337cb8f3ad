// Finding 8 (issue 9): each subscribe frame could cost up to 100 platform requests, with no memory of
// refusals, all at once.
import { describe, expect, it } from 'vitest';
import { allowAppOk, authed, frame } from '../test/fake-context.js';

const topics = (n: number, prefix = 'app_x') =>
  Array.from({ length: n }, (_, i) => `application:${prefix}${i}:status`);

describe('topic checks', () => {
  it('answers a repeated refused subscribe from the refusal cache, without asking again', async () => {
    const { c, sent, authorizeCalls } = await authed();
    const subscribe = frame({ type: 'subscribe', topics: topics(100) });
    c.onFrame(subscribe, false);
    await c.settled();
    expect(authorizeCalls).toHaveLength(100);
    c.onFrame(subscribe, false);
    await c.settled();
    expect(authorizeCalls).toHaveLength(100);
    // The same answer either way: a cached refusal reveals nothing more than a fresh one.
    expect(sent.at(-1)).toEqual(sent.at(-2));
    expect(sent.at(-1).error).toMatchObject({ code: 'FORBIDDEN', details: { topics: topics(100) } });
  });

  it('shares refusals between connections of the same principal, for the TTL only', async () => {
    const s = await authed({ refusal_cache_ttl_ms: 60_000 });
    s.c.onFrame(frame({ type: 'subscribe', topics: ['application:app_x:status'] }), false);
    await s.c.settled();
    const other = s.connect('tok-alice');
    other.onFrame(frame({ type: 'subscribe', topics: ['application:app_x:status'] }), false);
    await other.settled();
    expect(s.authorizeCalls).toHaveLength(1);
    const none = await authed({ refusal_cache_ttl_ms: 0 });
    for (let i = 0; i < 2; i++)
      none.c.onFrame(frame({ type: 'subscribe', topics: ['application:app_x:status'] }), false);
    await none.c.settled();
    expect(none.authorizeCalls).toHaveLength(2);
  });

  it('refuses topics over the check budget with RATE_LIMIT_EXCEEDED, naming them', async () => {
    const { c, sent, authorizeCalls } = await authed({ topic_check_burst: 5, topic_checks_per_second: 0.1 });
    c.onFrame(frame({ type: 'subscribe', topics: topics(8, 'app_ok') }), false);
    await c.settled();
    expect(authorizeCalls).toHaveLength(5);
    const limited = sent.find((m) => m.error?.code === 'RATE_LIMIT_EXCEEDED');
    expect(limited.error.details.topics).toEqual(topics(8, 'app_ok').slice(5));
    expect(sent.at(-1)).toMatchObject({ type: 'subscribed', topics: topics(5, 'app_ok') });
  });

  it('runs at most max_concurrent_topic_checks platform requests of a connection at once', async () => {
    let inFlight = 0;
    let most = 0;
    const { c } = await authed(
      { max_concurrent_topic_checks: 4 },
      {
        authorize: async (p, topic) => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 1));
          inFlight--;
          return allowAppOk(p, topic);
        },
      },
    );
    c.onFrame(frame({ type: 'subscribe', topics: topics(40) }), false);
    await c.settled();
    expect(most).toBe(4);
  });
});
