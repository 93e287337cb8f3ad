// The setup step's size bounds against a real nats-server: every stream and bucket gets one, and a
// bound below what a stream holds is never applied (JetStream would delete the oldest messages).
import { KvBuckets, Streams } from '@idp/contracts';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { DiscardPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSetupStep, SYSTEM_STREAM_LIMITS } from './index.js';

const logger = createLogger({ service: 'system-streams-test', level: 'silent' });
let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer({ auth: false });
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.cleanup();
});

const NAMES = [
  Streams.events.name,
  Streams.eventStore.name,
  Streams.operationsWork.name,
  ...Object.values(KvBuckets).map((bucket) => `KV_${bucket}`),
];

describe('stream size bounds', () => {
  it('gives every stream and bucket a max_bytes, and the event store discard-new without max_age', async () => {
    await runSetupStep({ servers: server.url, logger });
    const jsm = await jetstreamManager(nc);
    for (const name of NAMES)
      expect((await jsm.streams.info(name)).config.max_bytes, name).toBeGreaterThan(0);
    const store = (await jsm.streams.info(Streams.eventStore.name)).config;
    expect(store).toMatchObject({
      max_bytes: SYSTEM_STREAM_LIMITS.event_store_max_bytes,
      discard: DiscardPolicy.New,
      max_age: 0,
    });
  });

  it('keeps every stored event when the wanted bound is below what the store holds', async () => {
    const js = jetstream(nc);
    for (let i = 0; i < 20; i++) await js.publish(`idp.es.t1.app.a${i}`, new Uint8Array(200));
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(Streams.eventStore.name)).state;
    await runSetupStep({ servers: server.url, logger }, { limits: { event_store_max_bytes: 1_000 } });
    const after = await jsm.streams.info(Streams.eventStore.name);
    expect(after.state.messages).toBe(before.messages);
    expect(after.config.max_bytes).toBe(SYSTEM_STREAM_LIMITS.event_store_max_bytes);
    // A bound above what it holds is applied.
    await runSetupStep({ servers: server.url, logger }, { limits: { event_store_max_bytes: 1_000_000 } });
    expect((await jsm.streams.info(Streams.eventStore.name)).config.max_bytes).toBe(1_000_000);
  });

  it('brings the bound of an existing bucket up to date', async () => {
    await runSetupStep(
      { servers: server.url, logger },
      { limits: { rate_limit_counters_max_bytes: 2_000_000 } },
    );
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(`KV_${KvBuckets.rateLimitCounters}`);
    expect(info.config.max_bytes).toBe(2_000_000);
  });
});
