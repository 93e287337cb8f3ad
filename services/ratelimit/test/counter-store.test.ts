import { runSetupStep } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounterStore, openCounterBucket } from '../src/counter-store.js';

const logger = createLogger({ service: 'ratelimit-test', level: 'silent' });
let server: NatsServerHandle;
let a: NatsConnection;
let b: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  await runSetupStep({ servers: server.url, logger, ...server.as('setup') });
  [a, b] = await Promise.all([
    connect(server.clientOptions('ratelimit')),
    connect(server.clientOptions('ratelimit')),
  ]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await server?.cleanup();
});

describe('CounterStore', () => {
  it('two instances granting from one counter concurrently hand out exactly the limit', async () => {
    const stores = [
      new CounterStore(await openCounterBucket(a), logger),
      new CounterStore(await openCounterBucket(b), logger),
    ];
    const limit = 200;
    const asks = Array.from({ length: 400 }, (_, i) =>
      stores[i % 2]!.lease({ key: 'g.m.all', limit, window_ms: 60_000, want: 3 }),
    );
    const grants = await Promise.all(asks);
    expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(limit);
    expect(stores[0]!.conflicts + stores[1]!.conflicts).toBeGreaterThan(0);
  });

  it('starts a new window when the old one has passed, on any instance', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const one = new CounterStore(await openCounterBucket(a), logger, clock);
    const two = new CounterStore(await openCounterBucket(b), logger, clock);
    const ask = { key: 'u.m.reset', limit: 2, window_ms: 1_000, want: 2 };
    expect((await one.lease(ask)).granted).toBe(1);
    expect((await two.lease(ask)).granted).toBe(1);
    expect((await one.lease(ask)).granted).toBe(0);
    now += 999;
    expect((await two.lease(ask)).granted).toBe(0);
    now += 1;
    const fresh = await one.lease(ask);
    expect(fresh).toMatchObject({ granted: 1, window: now, reset_in_ms: 1_000 });
  });
});
