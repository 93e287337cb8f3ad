// The four faults of the chaos lane. Each runs to its heal and says which service instances it
// killed (their clients may see refused connections); every wait in here is bounded.
import { Streams } from '@idp/contracts';
import type { NatsClusterHandle, NatsNodeHandle } from '@idp/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { type ClusterSystem, SERVICES } from '../test/system.js';

export interface FaultOutcome {
  /** Instances that were killed (-9) during the fault, e.g. `edge-1`. */
  killed: string[];
  /** What the fault did, for the log. */
  detail: string;
}

export type Fault = (system: ClusterSystem) => Promise<FaultOutcome>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** a. kill -9 the node that leads the event store, wait a few seconds, start it again. */
export const killEventStoreLeader: Fault = async ({ nats }) => {
  const leader = await nats.leaderOf(Streams.eventStore.name);
  await leader.kill();
  await sleep(4_000);
  await leader.start();
  await nats.jetStreamReady();
  return { killed: [], detail: `killed ${leader.name} (leader of ${Streams.eventStore.name}) for 4 s` };
};

/** b. SIGSTOP one node (the event store's leader: the hardest one to lose) for 10 s, then SIGCONT. */
export const freezeNode: Fault = async ({ nats }) => {
  const node = await nats.leaderOf(Streams.eventStore.name);
  node.freeze();
  await sleep(10_000);
  node.thaw();
  return { killed: [], detail: `froze ${node.name} for 10 s` };
};

/** c. kill -9 one instance of each service, one after another, each started again before the next. */
export const killOneInstanceOfEach: Fault = async (system) => {
  const killed: string[] = [];
  for (const [index, service] of SERVICES.entries()) {
    // Alternate between the first and second instances, so both edges and realtimes are hit over runs.
    const instance = system.instances[service][index % system.instances[service].length]!;
    await system.services[instance]!.kill();
    killed.push(instance);
    await sleep(1_000);
    await system.startService(service, instance);
  }
  return { killed, detail: `killed and restarted ${killed.join(', ')}` };
};

/** d. a rolling upgrade of NATS: each node stopped gracefully, started, ready and caught up, then the next. */
export const rollingNatsRestart: Fault = async ({ nats }) => {
  for (const node of nats.nodes) {
    await node.stop();
    await node.start();
    await nats.jetStreamReady();
    await waitCaughtUp(nats, node);
  }
  return { killed: [], detail: `restarted ${nats.nodes.map((n) => n.name).join(', ')} one at a time` };
};

/**
 * Until every stream (and KV bucket) has this node as its leader or as a current replica. The bound is
 * generous: on two loaded cores a restarted node has needed more than 30 s once (CI); a Kubernetes
 * rollout would wait on its /healthz just the same, and the checks after the fault are what matter.
 */
export async function waitCaughtUp(nats: NatsClusterHandle, node: NatsNodeHandle, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let behind: string[] = ['(not asked yet)'];
  while (Date.now() < deadline) {
    behind = await streamsBehind(nats, node).catch((error) => [`(cluster did not answer: ${error})`]);
    if (behind.length === 0) return;
    await sleep(250);
  }
  throw new Error(
    `${node.name} did not catch up within ${timeoutMs} ms: ${behind.join(', ')}\n` +
      `its last log lines:\n${node.logTail()}`,
  );
}

async function streamsBehind(nats: NatsClusterHandle, node: NatsNodeHandle): Promise<string[]> {
  const nc = await connect({ ...nats.clientOptions('test'), timeout: 2_000 });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 2_000 });
    const behind: string[] = [];
    for await (const info of jsm.streams.list()) {
      const cluster = info.cluster;
      if (!cluster || cluster.leader === node.name) continue;
      const replica = cluster.replicas?.find((r) => r.name === node.name);
      if (!cluster.leader || !replica?.current || (replica.lag ?? 0) > 0)
        behind.push(
          `${info.config.name} (leader ${cluster.leader ?? 'none'}, ` +
            `${replica ? `current ${replica.current}, lag ${replica.lag ?? 0}, active ${replica.active} ns` : 'not a replica'})`,
        );
    }
    return behind;
  } finally {
    await nc.close();
  }
}
