// Failure cases with real processes: a realtime instance killed mid-stream (the SDK moves to the other
// instance and resumes), and nats-server restarted (the live feed recovers without loss or duplicates,
// and a client that was away during the restart resumes exactly).
import { RealtimeClient } from '@idp/client';
import type { EventMessage } from '@idp/contracts';
import { freePort, type ServiceProcess, startServiceProcess, waitFor } from '@idp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { configPath, type Harness, startHarness, token } from './harness.js';
import { expected, publishInBackground, publishMany, shape } from './publish.js';

const entry = new URL('../src/main.ts', import.meta.url).pathname;
let h: Harness;
const instances: { process: ServiceProcess; url: string }[] = [];

async function startInstance(name: string) {
  const port = await freePort();
  const process = await startServiceProcess({
    name,
    entry,
    env: {
      ...h.nats.envFor('realtime'),
      IDP_CONFIG: configPath,
      IDP_WS_PORT: String(port),
      IDP_WS_HOST: '127.0.0.1',
      IDP_INSTANCE_ID: name,
    },
  });
  const instance = { process, url: `ws://127.0.0.1:${port}/ws/v1` };
  instances.push(instance);
  return instance;
}

beforeAll(async () => {
  h = await startHarness({ t1: ['op_a', 'op_b', 'op_noise'] });
  await Promise.all([startInstance('rt-a'), startInstance('rt-b')]);
});
afterAll(async () => {
  await Promise.allSettled(instances.map((i) => i.process.stop()));
  await h?.close();
});

const sdk = (urls: string[]) =>
  new RealtimeClient({
    url: urls,
    token: () => token('alice', 't1'),
    WebSocket: WebSocket as never,
    backoff: { initialMs: 50, maxMs: 500 },
  });

async function collect(iterator: AsyncIterableIterator<EventMessage>, count: number, into: EventMessage[]) {
  for await (const ev of iterator) {
    into.push(ev);
    if (into.length >= count) break;
  }
}

it('resumes on the other instance when the one it was on is killed', async () => {
  const [a, b] = instances;
  const client = sdk([a!.url, b!.url]);
  const received: EventMessage[] = [];
  const done = collect(client.events('operation:op_a:progress'), 60, received);
  await waitFor(() => client.connections === 1);
  await new Promise((r) => setTimeout(r, 150));
  const bg = publishInBackground(h.js, 't1', 'operation:op_a:progress', 60, 10);
  await waitFor(() => received.length >= 15);
  await a!.process.kill();
  await done;
  expect(shape(received)).toEqual(expected(await bg.done));
  expect(client.connections).toBe(2);
  client.close();
});

it('loses and repeats nothing across a nats-server restart, live and resumed', async () => {
  const b = instances[1]!;
  const live = sdk([b.url]);
  const liveReceived: EventMessage[] = [];
  const liveDone = collect(live.events('operation:op_b:progress'), 40, liveReceived);
  await waitFor(() => live.connections === 1);
  await new Promise((r) => setTimeout(r, 150));
  const before = await publishMany(h.js, 't1', 'operation:op_b:progress', 20);
  await waitFor(() => liveReceived.length === 20);
  const cursor = live.position('operation:op_b:progress');

  await h.nats.restart();
  const after = await publishMany(h.js, 't1', 'operation:op_b:progress', 20, 20);
  await liveDone;
  expect(shape(liveReceived)).toEqual(expected([...before, ...after]));
  live.close();

  // A client that saw only the first 20 resumes after the restart from its cursor.
  const late = sdk([b.url]);
  const lateReceived: EventMessage[] = [];
  await collect(
    late.events('operation:op_b:progress', { since: before.at(-1)!.seq, epoch: cursor.epoch! }),
    20,
    lateReceived,
  );
  expect(shape(lateReceived)).toEqual(expected(after));
  late.close();
});
