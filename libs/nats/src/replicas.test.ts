// IDP_STREAM_REPLICAS against real servers: a single server refuses R3 with the remedy; on a 3-node
// cluster an R1 system scales up in place with its data, and a write is acknowledged only while a
// majority of the copies can store it.
import { EventStoreSubjects, KvBuckets, Streams } from '@idp/contracts';
import { createLogger } from '@idp/observability';
import { type NatsClusterHandle, startNatsCluster, startNatsServer } from '@idp/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSetupStep } from './index.js';

const logger = createLogger({ service: 'replicas-test', level: 'silent' });

const NAMES = [
  Streams.events.name,
  Streams.eventStore.name,
  Streams.operationsWork.name,
  ...Object.values(KvBuckets).map((bucket) => `KV_${bucket}`),
];

const SUBJECT = EventStoreSubjects.aggregate('t1', 'application', 'a1');

describe('IDP_STREAM_REPLICAS on one server', () => {
  it('refuses 3 replicas, naming the setting and the remedy', async () => {
    const server = await startNatsServer();
    try {
      await expect(
        runSetupStep({ servers: server.url, logger, ...server.as('setup') }, { replicas: 3 }),
      ).rejects.toThrow(/IDP_STREAM_REPLICAS=3 needs a JetStream cluster with at least 3 servers/);
    } finally {
      await server.cleanup();
    }
  });
});

describe('IDP_STREAM_REPLICAS on a 3-node cluster', () => {
  let cluster: NatsClusterHandle;
  let nc: NatsConnection;
  beforeAll(async () => {
    cluster = await startNatsCluster();
    nc = await connect(cluster.clientOptions('test'));
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await cluster?.cleanup();
  });

  const setUp = (replicas: number) =>
    runSetupStep({ servers: cluster.url, logger, ...cluster.as('setup') }, { replicas });

  it('scales an R1 system up to R3 in place, keeping what the streams hold', async () => {
    await setUp(1);
    await jetstream(nc).publish(SUBJECT, '{}');
    const jsm = await jetstreamManager(nc);
    const before = await jsm.streams.info(Streams.eventStore.name);
    await setUp(3);
    for (const name of NAMES) expect((await jsm.streams.info(name)).config.num_replicas, name).toBe(3);
    const after = await jsm.streams.info(Streams.eventStore.name);
    expect(after.state.messages).toBe(before.state.messages);
  }, 60_000);

  it('acknowledges a write with one node down, and none with two down', async () => {
    const leader = await cluster.leaderOf(Streams.eventStore.name);
    await replicasCurrent(Streams.eventStore.name);
    // Talk to the leader itself, so the client never has to move while nodes die.
    const viaLeader = await connect({ ...cluster.clientOptions('test'), servers: leader.url });
    try {
      const js = jetstream(viaLeader, { timeout: 2_000 });
      const others = cluster.nodes.filter((n) => n !== leader);
      await others[0]!.kill();
      // A node's death may cost an election round: the store retries, so the test does too.
      expect(await publishWithin(js, 15_000)).toMatchObject({ stream: Streams.eventStore.name });
      await others[1]!.kill();
      await expect(js.publish(SUBJECT, '{}')).rejects.toThrow();
      await Promise.all(others.map((n) => n.start()));
      await cluster.jetStreamReady();
    } finally {
      await viaLeader.close();
    }
  }, 60_000);

  /** Until every replica of the stream has caught up with its leader (right after a scale-up). */
  async function replicasCurrent(stream: string): Promise<void> {
    const jsm = await jetstreamManager(nc);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const replicas = (await jsm.streams.info(stream)).cluster?.replicas ?? [];
      if (replicas.length === 2 && replicas.every((r) => r.current)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the replicas of ${stream} did not catch up within 15 s`);
  }
});

async function publishWithin(js: ReturnType<typeof jetstream>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await js.publish(SUBJECT, '{}');
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}
