// Tenant isolation, slow consumers, NATS-native publishers, token expiry and bad frames, end to end
// over real sockets, a real nats-server and the real auth service.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloseCodes, EventSubjects } from '@idp/contracts';
import { waitFor } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/connection.js';
import { type Harness, startHarness, token } from './harness.js';
import { expected, publishMany, shape } from './publish.js';
import { TestClient } from './ws-client.js';

let h: Harness;
let url: string;

beforeAll(async () => {
  // app_shared exists in both tenants: the same topic name must still never cross tenants.
  h = await startHarness({ t1: ['app_shared', 'app_t1', 'op_big'], t2: ['app_shared'] });
  url = (await h.startRealtime({ send_buffer_bytes: 262_144 })).url;
});
afterAll(async () => h?.close());

describe('tenant isolation', () => {
  it('never delivers another tenant’s events, even for the same topic name', async () => {
    const t2 = await TestClient.open(url, await token('alice', 't2'));
    expect(await t2.subscribe(['application:app_shared:status', 'user:notifications'])).toMatchObject({
      type: 'subscribed',
    });
    await publishMany(h.js, 't1', 'application:app_shared:status', 3);
    await publishMany(h.js, 't1', 'user:alice:notifications', 2);
    const [own] = await publishMany(h.js, 't2', 'application:app_shared:status', 1, 9);
    await waitFor(() => t2.events().length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(shape(t2.events())).toEqual(expected([own!]));
    t2.close();
  });

  it('refuses topics of objects the tenant cannot read and delivers nothing of them', async () => {
    const t2 = await TestClient.open(url, await token('bob', 't2'));
    const reply = await t2.subscribe(['application:app_t1:status']);
    expect(reply).toMatchObject({
      type: 'error',
      error: { code: 'FORBIDDEN', details: { topics: ['application:app_t1:status'] } },
    });
    await publishMany(h.js, 't1', 'application:app_t1:status', 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(t2.events()).toEqual([]);
    t2.close();
  });

  it('denies unknown kinds and other users’ notification topics by default', async () => {
    const c = await TestClient.open(url, await token('alice', 't1'));
    expect(await c.subscribe(['announcement:all:news'])).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await c.subscribe(['user:bob:notifications'])).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await c.subscribe(['resource:unknown_1:health'])).toMatchObject({ error: { code: 'FORBIDDEN' } });
    c.close();
  });
});

describe('NATS-native publishers', () => {
  it('delivers a plain core-NATS publish from another process that imports nothing of ours', async () => {
    const c = await TestClient.open(url, await token('carol', 't1'));
    await c.subscribe(['user:notifications']);
    const body = JSON.stringify({
      event: 'mention',
      data: { from: 'dave' },
      timestamp: '2024-01-15T10:30:00Z',
    });
    // Tenant-scoped credentials, as `npm run nats:creds -- --tenant t1` issues them.
    const creds = join(h.nats.storeDir, 't1-publisher.creds');
    await writeFile(creds, await h.nats.tenantCreds('t1'));
    const child = spawn(process.execPath, [
      new URL('./fixtures/publish-raw.mjs', import.meta.url).pathname,
      h.nats.url,
      creds,
      EventSubjects.userNotifications('t1', 'carol'),
      body,
    ]);
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
    const ev = await c.next((m) => m.type === 'event');
    expect(ev).toEqual({
      type: 'event',
      topic: 'user:notifications',
      event: 'mention',
      timestamp: '2024-01-15T10:30:00Z',
      data: { from: 'dave' },
      seq: expect.any(Number),
    });
    c.close();
  });
});

describe('connection hygiene', () => {
  it('closes a client that stops reading with 4001 and keeps serving the others at full speed', async () => {
    const fast = await TestClient.open(url, await token('alice', 't1'));
    const slow = await TestClient.open(url, await token('alice', 't1'));
    await fast.subscribe(['operation:op_big:progress']);
    await slow.subscribe(['operation:op_big:progress']);
    const slowServerSide = [...h.lastInstance().server.connections].at(-1) as Connection;
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const pad = 'x'.repeat(8_000);
    const count = 1_500;
    const started = Date.now();
    // Published in small awaited batches: the fast client shares this process with the publisher, and
    // one burst of 1,500 publishes would starve its reads long enough to look slow itself.
    for (let batch = 0; batch < count; batch += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, count - batch) }, (_, i) =>
          h.js.publish(
            EventSubjects.operation('t1', 'op_big'),
            JSON.stringify({ event: 'progress_updated', data: { n: batch + i, pad } }),
          ),
        ),
      );
    }
    await waitFor(() => fast.events().length === count, { timeoutMs: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    await waitFor(() => slowServerSide.closedWith !== undefined);
    expect(slowServerSide.closedWith).toBe(CloseCodes.SLOW_CONSUMER);
    expect(fast.events().map((e) => e.data.n)).toEqual(Array.from({ length: count }, (_, n) => n));
    fast.close();
    slow.ws.terminate();
  });

  it('tells a client whose token expires "token expired" and closes 4002', async () => {
    const c = await TestClient.open(url, await token('erin', 't1', 2));
    await c.subscribe(['user:notifications']);
    expect(await c.closed).toBe(CloseCodes.TOKEN_EXPIRED);
    expect(c.messages.at(-1)).toEqual({
      type: 'error',
      error: { code: 'UNAUTHENTICATED', message: 'token expired' },
    });
  });

  it('closes 4401 on a refused token and answers bad frames without dropping the connection', async () => {
    const bad = await TestClient.open(url, 'not-a-jwt');
    expect(await bad.closed).toBe(CloseCodes.AUTH_FAILED);
    const viaQuery = await TestClient.open(`${url}?token=${await token('alice', 't1')}`);
    viaQuery.send('{oops');
    viaQuery.send({ type: 'shout' });
    viaQuery.send({ type: 'subscribe', topics: ['a b'] });
    viaQuery.ws.send(Buffer.from([1, 2, 3]));
    viaQuery.send({ type: 'ping' });
    await viaQuery.next((m) => m.type === 'pong');
    expect(viaQuery.messages.map((m) => m.error?.code ?? m.type)).toEqual([
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
      'pong',
    ]);
    viaQuery.send({ type: 'ping', pad: 'x'.repeat(100_000) });
    expect(await viaQuery.closed).toBe(1009);
  });
});
