// The change feed against a real nats-server in operator mode: notices drop their tenant's entries,
// a lost connection stops the cache from serving until the subscription is live again, and an edge
// that may not subscribe to the feed never serves from its cache.
import { ChangeSubjects } from '@idp/contracts';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer, waitFor } from '@idp/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followChangeFeed } from './change-feed.js';
import { type CachedAnswer, ResponseCache } from './response-cache.js';

const logger = createLogger({ service: 'edge-test', level: 'silent' });
const answer: CachedAnswer = { status: 200, etag: '1', dataJson: '{}' };

describe('change feed', () => {
  let server: NatsServerHandle;
  const connections: NatsConnection[] = [];
  const open = async (user: 'edge' | 'platform' | 'realtime') => {
    const nc = await connect({
      ...server.clientOptions(user),
      reconnectTimeWait: 50,
      maxReconnectAttempts: -1,
    });
    connections.push(nc);
    return nc;
  };

  beforeAll(async () => {
    server = await startNatsServer({ jetstream: false });
  });
  afterAll(async () => {
    await Promise.allSettled(connections.map((nc) => nc.close()));
    await server?.cleanup();
  });

  it("drops the entries of the tenant a platform notice names, and no other tenant's", async () => {
    const cache = new ResponseCache({ maxBytes: 1_000_000, ttlMs: 60_000 });
    const feed = followChangeFeed(await open('edge'), cache, logger);
    await feed.ready;
    expect(cache.serving).toBe(true);
    cache.store('t1:a', cache.ticket('t1'), answer);
    cache.store('t2:a', cache.ticket('t2'), answer);
    const platform = await open('platform');
    platform.publish(ChangeSubjects.aggregate('t1', 'application', 'app_1'));
    await platform.flush();
    await waitFor(() => cache.get('t1:a') === undefined, { timeoutMs: 2000, message: 't1 dropped' });
    expect(cache.get('t2:a')).toBeDefined();
    feed.stop();
  });

  it('serves nothing from the moment the connection drops until the feed is current again', async () => {
    const cache = new ResponseCache({ maxBytes: 1_000_000, ttlMs: 60_000 });
    const feed = followChangeFeed(await open('edge'), cache, logger);
    await feed.ready;
    cache.store('t1:a', cache.ticket('t1'), answer);
    const inFlight = cache.ticket('t1');
    await server.stop();
    await waitFor(() => !cache.serving, { timeoutMs: 5000, message: 'feed marked lost' });
    expect(cache.get('t1:a')).toBeUndefined();
    expect(cache.store('t1:b', cache.ticket('t1'), answer)).toBe(false);
    await server.restart();
    await waitFor(() => cache.serving, { timeoutMs: 10_000, message: 'feed current again' });
    // Nothing cached before the loss survives it, not even a read that was in flight then.
    expect(cache.get('t1:a')).toBeUndefined();
    expect(cache.store('t1:a', inFlight, answer)).toBe(false);
    // And notices are heard again (the subscription was re-sent on reconnect).
    cache.store('t1:c', cache.ticket('t1'), answer);
    const platform = await open('platform');
    platform.publish(ChangeSubjects.aggregate('t1', 'team', 'team_1'));
    await platform.flush();
    await waitFor(() => cache.get('t1:c') === undefined, {
      timeoutMs: 2000,
      message: 'notice after reconnect',
    });
    feed.stop();
  });

  it('never serves when the subscription is refused', async () => {
    const cache = new ResponseCache({ maxBytes: 1_000_000, ttlMs: 60_000 });
    // realtime's NATS user may not subscribe to the change feed.
    const feed = followChangeFeed(await open('realtime'), cache, logger);
    await feed.ready;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cache.serving).toBe(false);
    expect(cache.store('t1:a', cache.ticket('t1'), answer)).toBe(false);
    feed.stop();
  });
});
