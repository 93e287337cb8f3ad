// The realtime client against a small in-test server that speaks the protocol and keeps a log of
// events with seqs, so reconnects, resume and backpressure can be checked without the service.
import type { AddressInfo } from 'node:net';
import { CloseCodes } from '@idp/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { backoffDelay, RealtimeClient } from '../src/index.js';

interface Fake {
  url: string;
  sockets: Set<WebSocket>;
  // biome-ignore lint/suspicious/noExplicitAny: protocol messages
  received: any[];
  emit(topic: string): number;
  close(): Promise<void>;
}

const servers: Fake[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function fakeServer(): Promise<Fake> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const log: { topic: string; seq: number }[] = [];
  const subs = new Map<WebSocket, Set<string>>();
  // biome-ignore lint/suspicious/noExplicitAny: protocol messages
  const received: any[] = [];
  const send = (ws: WebSocket, e: { topic: string; seq: number }) =>
    ws.send(
      JSON.stringify({
        type: 'event',
        topic: e.topic,
        event: 'tick',
        timestamp: 't',
        data: { seq: e.seq },
        seq: e.seq,
      }),
    );
  wss.on('connection', (ws) => {
    subs.set(ws, new Set());
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      received.push(m);
      if (m.type === 'subscribe') {
        for (const t of m.topics) subs.get(ws)!.add(t);
        ws.send(
          JSON.stringify({
            type: 'subscribed',
            topics: m.topics,
            epoch: 'e1',
            ...(m.since === undefined ? {} : { resumed: true }),
          }),
        );
        if (m.since !== undefined)
          for (const e of log) if (m.topics.includes(e.topic) && e.seq > m.since) send(ws, e);
      }
      if (m.type === 'unsubscribe') for (const t of m.topics) subs.get(ws)!.delete(t);
    });
    ws.on('close', () => subs.delete(ws));
  });
  const fake: Fake = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    sockets: wss.clients,
    received,
    emit: (topic) => {
      const e = { topic, seq: log.length + 1 };
      log.push(e);
      for (const [ws, topics] of subs) if (topics.has(topic)) send(ws, e);
      return e.seq;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => r());
      }),
  };
  servers.push(fake);
  return fake;
}

const until = async (probe: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const client = (url: string, extra = {}) =>
  new RealtimeClient({
    url,
    token: 'tok',
    WebSocket: WebSocket as never,
    backoff: { initialMs: 10, maxMs: 50 },
    ...extra,
  });

describe('realtime client', () => {
  it('authenticates first, then subscribes, and yields events through an async iterator', async () => {
    const s = await fakeServer();
    const c = client(s.url);
    const it = c.events('operation:op_1:progress');
    await until(() => s.received.length === 2);
    expect(s.received).toEqual([
      { type: 'auth', token: 'tok' },
      { type: 'subscribe', topics: ['operation:op_1:progress'] },
    ]);
    s.emit('operation:op_1:progress');
    expect((await it.next()).value).toMatchObject({ seq: 1, topic: 'operation:op_1:progress' });
    c.close();
  });

  it('reconnects after a drop and resumes from the last seq and epoch without duplicates', async () => {
    const s = await fakeServer();
    const c = client(s.url);
    const seqs: number[] = [];
    const done = (async () => {
      for await (const ev of c.events('t:1:x')) {
        seqs.push(ev.seq);
        if (seqs.length === 6) break;
      }
    })();
    await until(() => s.received.length === 2);
    for (let i = 0; i < 3; i++) s.emit('t:1:x');
    await until(() => seqs.length === 3);
    for (const ws of s.sockets) ws.close(CloseCodes.SLOW_CONSUMER);
    for (let i = 0; i < 3; i++) s.emit('t:1:x');
    await done;
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.received).toContainEqual({ type: 'subscribe', topics: ['t:1:x'], since: 3, epoch: 'e1' });
    c.close();
  });

  it('unsubscribes when the iterator is closed', async () => {
    const s = await fakeServer();
    const c = client(s.url);
    const it = c.events('t:2:x');
    await until(() => s.received.length === 2);
    await it.return?.();
    await until(() => s.received.some((m) => m.type === 'unsubscribe'));
    expect(s.received.at(-1)).toEqual({ type: 'unsubscribe', topics: ['t:2:x'] });
    c.close();
  });

  it('pauses a topic whose iterator is full and resumes it losslessly once drained', async () => {
    const s = await fakeServer();
    const c = client(s.url, { queueSize: 4 });
    const it = c.events('t:3:x');
    await until(() => s.received.length === 2);
    for (let i = 0; i < 10; i++) s.emit('t:3:x');
    await until(() => s.received.some((m) => m.type === 'unsubscribe'));
    const seqs: number[] = [];
    while (seqs.length < 10) seqs.push((await it.next()).value.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    c.close();
  });

  it('does not reconnect after a 44xx close and fails the iterators with the code', async () => {
    const s = await fakeServer();
    const c = client(s.url);
    const it = c.events('t:4:x');
    await until(() => s.received.length === 2);
    for (const ws of s.sockets) ws.close(CloseCodes.AUTH_FAILED);
    await expect(it.next()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(c.connections).toBe(1);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, { initialMs: 100 }, () => 0)).toBe(50);
    expect(backoffDelay(3, { initialMs: 100 }, () => 1)).toBe(800);
    expect(backoffDelay(30, { initialMs: 100, maxMs: 5_000 }, () => 1)).toBe(5_000);
  });
});
