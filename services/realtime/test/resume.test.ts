// Resume over a real nats-server and the real auth service: exact sequences across client drops,
// epochs and retention; the live/replay merge under concurrent publishing.
import { RealtimeClient } from '@idp/client';
import { type EventMessage, Streams } from '@idp/contracts';
import { runSetupStep } from '@idp/nats';
import { waitFor } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Harness, startHarness, logger as testLogger, token } from './harness.js';
import { expected, publishInBackground, publishMany, shape } from './publish.js';
import { TestClient } from './ws-client.js';

const TOPIC = 'operation:op_1:progress';
const MANY = Array.from({ length: 30 }, (_, i) => `operation:op_m${i}:progress`);
let h: Harness;
let url: string;

beforeAll(async () => {
  h = await startHarness({
    t1: ['op_1', 'op_2', 'op_noise', 'app_1', ...MANY.map((t) => t.split(':')[1]!)],
  });
  url = (await h.startRealtime()).url;
});
afterAll(async () => h?.close());

async function collect(iterator: AsyncIterableIterator<EventMessage>, count: number, into: EventMessage[]) {
  for await (const ev of iterator) {
    into.push(ev);
    if (into.length >= count) break;
  }
}

describe('resume', () => {
  it('gives a client that drops mid-stream exactly the events it missed, merged with live ones', async () => {
    const first = await TestClient.open(url, await token('alice', 't1'));
    const sub = await first.subscribe([TOPIC]);
    const bg = publishInBackground(h.js, 't1', TOPIC, 60, 5);
    await waitFor(() => first.events(TOPIC).length >= 10);
    first.ws.terminate();
    const seen = first.events(TOPIC);
    const last = seen.at(-1).seq;
    await new Promise((r) => setTimeout(r, 50));
    // Reconnect while the publisher keeps going: replay and live overlap.
    const second = await TestClient.open(url, await token('alice', 't1'));
    const again = await second.subscribe([TOPIC], { since: last, epoch: sub.epoch });
    expect(again).toMatchObject({ type: 'subscribed', resumed: true, epoch: sub.epoch });
    const published = await bg.done;
    await waitFor(() => second.events(TOPIC).at(-1)?.seq === published.at(-1)!.seq, { message: 'caught up' });
    expect(shape([...seen, ...second.events(TOPIC)])).toEqual(expected(published));
    second.close();
  });

  it('resumes through the SDK when the server drops the connection, with no gap and no duplicate', async () => {
    const client = new RealtimeClient({
      url,
      token: () => token('alice', 't1'),
      WebSocket: WebSocket as never,
      backoff: { initialMs: 20 },
    });
    const received: EventMessage[] = [];
    const done = collect(client.events('operation:op_2:progress'), 80, received);
    await waitFor(() => client.connections === 1);
    await new Promise((r) => setTimeout(r, 100));
    const bg = publishInBackground(h.js, 't1', 'operation:op_2:progress', 80, 5);
    await waitFor(() => received.length >= 20);
    // Every server-side connection is closed as a slow consumer would be: the SDK must resume.
    for (const c of h.lastInstance().server.connections) c.close(4001, 'test drop');
    await done;
    expect(shape(received)).toEqual(expected(await bg.done));
    expect(client.connections).toBeGreaterThanOrEqual(2);
    client.close();
  });

  it('answers resumed:false for another epoch, then delivers live events only', async () => {
    const c = await TestClient.open(url, await token('alice', 't1'));
    await publishMany(h.js, 't1', 'application:app_1:status', 3);
    const reply = await c.subscribe(['application:app_1:status'], { since: 1, epoch: 'not-this-stream' });
    expect(reply).toMatchObject({ type: 'subscribed', resumed: false });
    const [live] = await publishMany(h.js, 't1', 'application:app_1:status', 1, 100);
    await waitFor(() => c.events().length === 1);
    expect(shape(c.events())).toEqual(expected([live!]));
    c.close();
  });

  it('skips stored messages that are not {event, data} and delivers the next valid one', async () => {
    const c = await TestClient.open(url, await token('alice', 't1'));
    await c.subscribe(['application:app_1:status']);
    h.nc.publish('idp.evt.t1.application.app_1.status', 'not json');
    h.nc.publish('idp.evt.t1.application.app_1.status', JSON.stringify({ event: 'Bad Name', data: {} }));
    const [good] = await publishMany(h.js, 't1', 'application:app_1:status', 1, 7);
    await waitFor(() => c.events().length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(shape(c.events())).toEqual(expected([good!]));
    c.close();
  });

  it('resumes 30 topics from the stream with one replay consumer at a time, each topic exact', async () => {
    const published = [];
    for (const topic of MANY) published.push(...(await publishMany(h.js, 't1', topic, 3)));
    await h.nc.flush();
    // An instance started after the events: its memory of the stream's tail does not reach back to
    // them, so the resume reads the stream.
    const fresh = await h.startRealtime();
    // The server's own advisories tell when each consumer of the stream is created and deleted (from
    // here on: the instance's own live consumer is already there).
    const alive = { now: 0, most: 0 };
    const advisories = h.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.*.${Streams.events.name}.>`, {
      callback: (_e, msg) => {
        if (msg.subject.includes('.CREATED.')) alive.most = Math.max(alive.most, ++alive.now);
        if (msg.subject.includes('.DELETED.')) alive.now--;
      },
    });
    await h.nc.flush();
    const c = await TestClient.open(fresh.url, await token('alice', 't1'));
    const since = published[0]!.seq - 1;
    expect(await c.subscribe(MANY, { since })).toMatchObject({ type: 'subscribed', resumed: true });
    await waitFor(() => c.events().length >= published.length, { message: 'all replayed' });
    await waitFor(() => alive.now === 0, { message: 'replay consumers deleted' });
    advisories.unsubscribe();
    expect(alive.most).toBe(1);
    for (const topic of MANY)
      expect(shape(c.events(topic))).toEqual(expected(published.filter((p) => p.topic === topic)));
    c.close();
  });

  it('resumes from memory when its window covers since, and from the stream when it does not', async () => {
    // A window of about ten events (each ~250 bytes with its bookkeeping), live before the events.
    const small = await h.startRealtime({ replay_memory_max_bytes: 2_500 });
    const alive = { now: 0, most: 0 };
    const advisories = h.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.*.${Streams.events.name}.>`, {
      callback: (_e, msg) => {
        if (msg.subject.includes('.CREATED.')) alive.most = Math.max(alive.most, ++alive.now);
        if (msg.subject.includes('.DELETED.')) alive.now--;
      },
    });
    const published = await publishMany(h.js, 't1', 'operation:op_2:progress', 40, 1_000);
    await waitFor(() => small.feed.lastSeq >= published.at(-1)!.seq, { message: 'live feed saw them' });
    await h.nc.flush();

    const recentSince = published.at(-4)!.seq;
    const recent = await TestClient.open(small.url, await token('alice', 't1'));
    expect(await recent.subscribe(['operation:op_2:progress'], { since: recentSince })).toMatchObject({
      resumed: true,
    });
    await waitFor(() => recent.events().length >= 3, { message: 'recent replayed' });
    await h.nc.flush();
    expect(alive.most).toBe(0);

    const old = await TestClient.open(small.url, await token('alice', 't1'));
    expect(await old.subscribe(['operation:op_2:progress'], { since: published[0]!.seq })).toMatchObject({
      resumed: true,
    });
    await waitFor(() => old.events().length >= 39, { message: 'old replayed' });
    await waitFor(() => alive.now === 0, { message: 'replay consumer deleted' });
    advisories.unsubscribe();
    expect(alive.most).toBe(1);
    expect(shape(recent.events())).toEqual(expected(published.slice(-3)));
    expect(shape(old.events())).toEqual(expected(published.slice(1)));
    recent.close();
    old.close();
  });

  it('answers resumed:false when `since` is older than the retention window', async () => {
    // Last in this file: the setup step shrinks the shared stream to 5 messages (realtime only reads it).
    await runSetupStep(
      { servers: h.nats.url, logger: testLogger, ...h.nats.as('setup') },
      { events: { max_age_ms: 3_600_000, max_bytes: -1, max_msgs: 5 } },
    );
    const small = await h.startRealtime();
    const c = await TestClient.open(small.url, await token('alice', 't1'));
    const published = await publishMany(h.js, 't1', TOPIC, 10, 500);
    const old = published[2]!.seq;
    const reply = await c.subscribe([TOPIC], { since: old });
    expect(reply).toMatchObject({ resumed: false });
    const inWindow = await c.subscribe([TOPIC], { since: published[6]!.seq });
    expect(inWindow).toMatchObject({ resumed: true });
    await waitFor(() => c.events().length >= 3);
    expect(shape(c.events().slice(-3))).toEqual(expected(published.slice(7)));
    c.close();
  });
});
