import { ApiError } from '@idp/contracts';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callRpc,
  connectNats,
  ensureStream,
  installNatsInstrumentation,
  requestJson,
  serveJson,
} from './index.js';

const logger = createLogger({ service: 'nats-test', level: 'silent' });
let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  // The library under test, not the system's permissions: the test user may use any subject.
  nc = await connectNats({ servers: server.url, name: 'nats-test', logger, ...server.as('test') });
});
afterAll(async () => {
  await nc?.close();
  await server?.cleanup();
});

describe('request/reply', () => {
  it('runs installed instrumentations around both ends, first installed outermost', async () => {
    const seen: string[] = [];
    const removeOuter = installNatsInstrumentation({
      aroundRequest: async (request, send) => {
        request.headers.set('x-probe', 'set-by-caller-hook');
        seen.push(`request:${request.subject}`);
        return send();
      },
      aroundHandler: async (request, run) => {
        seen.push(`handler:${request.pattern}:${request.msg.headers?.get('x-probe')}`);
        const reply = await run();
        seen.push(`replied:${JSON.stringify(reply)}`);
        return reply;
      },
    });
    const removeInner = installNatsInstrumentation({
      aroundRequest: async (_request, send) => {
        seen.push('inner request');
        return send();
      },
    });
    const sub = serveJson(nc, 'test.instrumented.*', (body) => ({ ok: true, body }), { queue: 'q', logger });
    try {
      await requestJson(nc, 'test.instrumented.one', { a: 1 });
    } finally {
      removeOuter();
      removeInner();
      sub.unsubscribe();
    }
    expect(seen).toEqual([
      'request:test.instrumented.one',
      'inner request',
      'handler:test.instrumented.*:set-by-caller-hook',
      'replied:{"ok":true,"body":{"a":1}}',
    ]);
  });

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

describe('replies NATS cannot carry', () => {
  const big = () => 'x'.repeat(2 * 1024 * 1024);

  it('answers PAYLOAD_TOO_LARGE for a reply over max_payload and keeps serving', async () => {
    const sub = serveJson(
      nc,
      'test.huge',
      (body) => ({ ok: true, status: 200, data: (body as { huge?: boolean }).huge ? big() : 'small' }),
      { queue: 'q', logger },
    );
    await expect(callRpc(nc, 'test.huge', { huge: true })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      details: { limit_bytes: nc.info!.max_payload },
    });
    await expect(callRpc(nc, 'test.huge', { huge: false })).resolves.toMatchObject({ data: 'small' });
    sub.unsubscribe();
  });

  it('names the per_page that fits when a page of a list is too large, and that page fits', async () => {
    const item = { blob: 'y'.repeat(100 * 1024) };
    const sub = serveJson(
      nc,
      'test.page',
      (body) => {
        const perPage = (body as { per_page: number }).per_page;
        const pagination = { page: 1, per_page: perPage, total: 50, total_pages: Math.ceil(50 / perPage) };
        return { ok: true, status: 200, data: Array(perPage).fill(item), pagination };
      },
      { queue: 'q', logger },
    );
    const error = await callRpc(nc, 'test.page', { per_page: 50 }).catch((e: ApiError) => e);
    expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { max_per_page: 10 } });
    expect((error as ApiError).message).toMatch(/per_page=10 or fewer/);
    await expect(callRpc(nc, 'test.page', { per_page: 10 })).resolves.toMatchObject({ status: 200 });
    sub.unsubscribe();
  });

  it('answers INTERNAL_ERROR for a reply that cannot be encoded', async () => {
    const sub = serveJson(nc, 'test.bigint', () => ({ ok: true, status: 200, data: 1n }), {
      queue: 'q',
      logger,
    });
    await expect(callRpc(nc, 'test.bigint', {})).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    sub.unsubscribe();
  });

  it('refuses a request too large to publish with PAYLOAD_TOO_LARGE, not as a bus outage', async () => {
    await expect(requestJson(nc, 'test.anyone', { blob: big() })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
  });

  it('refuses a request that cannot be encoded with VALIDATION_ERROR', async () => {
    // A cycle fails JSON.stringify on every runtime; deep nesting no longer does (Node 26 encodes any
    // depth, Node 24 runs out of stack), so it cannot stand for "cannot be encoded".
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    await expect(requestJson(nc, 'test.anyone', cyclic)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
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

describe('a handler that meets NATS away', () => {
  it('answers 503 SERVICE_UNAVAILABLE, not an internal error, when a JetStream publish finds no stream', async () => {
    // What a deploy met while the work queue had no leader: JetStream answers nobody (no responders).
    const sub = serveJson(
      nc,
      'test.away',
      async () => {
        await jetstream(nc).publish('test.no-stream-here', 'x', { timeout: 1_000 });
        return { ok: true, data: null };
      },
      { queue: 'q', logger },
    );
    try {
      const reply = (await requestJson(nc, 'test.away', {})) as { ok: boolean; error?: { code: string } };
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'SERVICE_UNAVAILABLE', details: { reason: 'nats_unavailable' } },
      });
    } finally {
      sub.unsubscribe();
    }
  });

  it('still answers INTERNAL_ERROR for a bug', async () => {
    const sub = serveJson(
      nc,
      'test.bug',
      () => {
        throw new TypeError('x is undefined');
      },
      { queue: 'q', logger },
    );
    try {
      expect(await requestJson(nc, 'test.bug', {})).toMatchObject({
        ok: false,
        error: { code: 'INTERNAL_ERROR' },
      });
    } finally {
      sub.unsubscribe();
    }
  });
});
