import { ApiError } from '@idp/contracts';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRpc, connectNats, ensureStream, requestJson, serveJson } from './index.js';

const logger = createLogger({ service: 'nats-test', level: 'silent' });
let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url, name: 'nats-test', logger });
});
afterAll(async () => {
  await nc?.close();
  await server?.cleanup();
});

describe('request/reply', () => {
  it('carries the request id and traceparent to the responder', async () => {
    const sub = serveJson(nc, 'test.echo', (body, context) => ({ body, context }), { queue: 'q', logger });
    const reply = await requestJson(
      nc,
      'test.echo',
      { a: 1 },
      {
        context: {
          requestId: 'req_1',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
      },
    );
    expect(reply).toEqual({
      body: { a: 1 },
      context: { requestId: 'req_1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    sub.unsubscribe();
  });

  it('turns a thrown ApiError into a failure reply that callRpc rethrows with its code', async () => {
    const sub = serveJson(
      nc,
      'test.fail',
      () => {
        throw new ApiError('NOT_FOUND', 'nope');
      },
      { queue: 'q', logger },
    );
    await expect(callRpc(nc, 'test.fail', {})).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    sub.unsubscribe();
  });

  it('hides unexpected errors behind INTERNAL_ERROR', async () => {
    const sub = serveJson(
      nc,
      'test.crash',
      () => {
        throw new TypeError('secret detail');
      },
      { queue: 'q', logger },
    );
    const reply = await requestJson(nc, 'test.crash', {});
    expect(reply).toEqual({
      ok: false,
      error: { code: 'INTERNAL_ERROR', message: 'An internal error occurred' },
    });
    sub.unsubscribe();
  });

  it('answers SERVICE_UNAVAILABLE when nobody listens and GATEWAY_TIMEOUT when the responder is silent', async () => {
    await expect(requestJson(nc, 'test.nobody', {})).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const silent = nc.subscribe('test.silent');
    await expect(requestJson(nc, 'test.silent', {}, { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'GATEWAY_TIMEOUT',
    });
    silent.unsubscribe();
  });

  it('rejects a reply that is not an RpcReply', async () => {
    const sub = serveJson(nc, 'test.odd', () => 42, { queue: 'q', logger });
    await expect(callRpc(nc, 'test.odd', {})).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    sub.unsubscribe();
  });
});

describe('ensureStream', () => {
  it('creates a stream once and updates it when the wanted config changes', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, { name: 'S1', subjects: ['s1.>'], max_msgs: 10 }, logger);
    await ensureStream(jsm, { name: 'S1', subjects: ['s1.>'], max_msgs: 10 }, logger);
    await ensureStream(jsm, { name: 'S1', subjects: ['s1.>'], max_msgs: 20 }, logger);
    expect((await jsm.streams.info('S1')).config.max_msgs).toBe(20);
  });
});
