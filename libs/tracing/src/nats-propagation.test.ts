// Trace context across real NATS hops (a real nats-server, spans captured in memory).
import { connectNats, requestJson, serveJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTracing, type TracingHandle, traceHeaders, withSpan, withSpanSync } from './index.js';

const logger = createLogger({ service: 'tracing-test', level: 'silent' });
const exporter = new InMemorySpanExporter();
let server: NatsServerHandle;
let nc: NatsConnection;
let tracing: TracingHandle;
const subs: Subscription[] = [];

beforeAll(async () => {
  tracing = await startTracing({
    service: 'tracing-test',
    instance: 'tracing-test-1',
    spanExporter: exporter,
  });
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url, name: 'tracing-test', logger, ...server.as('test') });
  subs.push(
    serveJson(nc, 'test.trace.inner', () => withSpan('inner work', {}, async () => ({ ok: true })), {
      queue: 'q',
      logger,
    }),
    // A handler that calls another service, as platform handlers do.
    serveJson(nc, 'test.trace.outer.*', async () => requestJson(nc, 'test.trace.inner', {}), {
      queue: 'q',
      logger,
    }),
    serveJson(
      nc,
      'test.trace.fails',
      () => {
        throw new Error('boom');
      },
      { queue: 'q', logger },
    ),
  );
});
afterAll(async () => {
  for (const sub of subs) sub.unsubscribe();
  await nc?.close();
  await server?.cleanup();
  await tracing?.shutdown();
});
beforeEach(() => exporter.reset());

const named = (name: string) => {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(found, `spans named ${name}: ${exporter.getFinishedSpans().map((s) => s.name)}`).toHaveLength(1);
  return found[0]!;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

describe('request/reply over NATS', () => {
  it('links caller, client, server and nested spans in one trace through the traceparent header', async () => {
    await withSpan('caller', {}, () => requestJson(nc, 'test.trace.outer.one', {}));
    const caller = named('caller');
    const client = named('send test.trace.outer.one');
    const server = named('process test.trace.outer.one');
    const nestedClient = named('send test.trace.inner');
    const nestedServer = named('process test.trace.inner');
    const inner = named('inner work');
    expect(client.kind).toBe(SpanKind.CLIENT);
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(parentOf(client)).toBe(idOf(caller));
    expect(parentOf(server)).toBe(idOf(client));
    expect(server.parentSpanContext?.isRemote).toBe(true);
    expect(parentOf(nestedClient)).toBe(idOf(server));
    expect(parentOf(nestedServer)).toBe(idOf(nestedClient));
    expect(parentOf(inner)).toBe(idOf(nestedServer));
    for (const span of [client, server, nestedClient, nestedServer, inner])
      expect(traceOf(span)).toBe(traceOf(caller));
    expect(caller.resource.attributes).toMatchObject({
      'service.name': 'tracing-test',
      'service.instance.id': 'tracing-test-1',
    });
    expect(server.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': 'test.trace.outer.one',
      'messaging.destination.template': 'test.trace.outer.*',
      'messaging.consumer.group.name': 'q',
    });
  });

  it('continues an explicit traceparent (the edge’s RequestContext) when no span is active', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parentId = 'b7ad6b7169203331';
    await requestJson(
      nc,
      'test.trace.inner',
      {},
      { context: { requestId: 'req_1', traceparent: `00-${traceId}-${parentId}-01` } },
    );
    const client = named('send test.trace.inner');
    expect(traceOf(client)).toBe(traceId);
    expect(parentOf(client)).toBe(parentId);
    expect(parentOf(named('process test.trace.inner'))).toBe(idOf(client));
  });

  it('marks a handler that failed on the server side', async () => {
    await expect(requestJson(nc, 'test.trace.fails', {})).resolves.toMatchObject({ ok: false });
    const server = named('process test.trace.fails');
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes['error.type']).toBe('INTERNAL_ERROR');
  });
});

describe('published messages', () => {
  it('carry the active context, and a consumer continues the trace from their headers', async () => {
    const received = new Promise<void>((resolve) => {
      const sub = nc.subscribe('test.trace.event', {
        callback: (_err, msg) => {
          withSpanSync('deliver', { kind: 'consumer', parent: msg.headers }, () => {});
          resolve();
        },
      });
      subs.push(sub);
    });
    await withSpan('publisher', { kind: 'producer' }, async () => {
      nc.publish('test.trace.event', '{}', { headers: traceHeaders() });
    });
    await received;
    expect(parentOf(named('deliver'))).toBe(idOf(named('publisher')));
    expect(traceOf(named('deliver'))).toBe(traceOf(named('publisher')));
  });

  it('carry nothing when no span is active', () => {
    expect(traceHeaders()).toBeUndefined();
  });

  it('a failing span records the error and rethrows', async () => {
    await expect(
      withSpan('append', {}, async () => {
        throw new Error('wrong last sequence');
      }),
    ).rejects.toThrow('wrong last sequence');
    expect(named('append').status).toEqual({ code: SpanStatusCode.ERROR, message: 'wrong last sequence' });
  });
});
