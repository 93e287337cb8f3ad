// The edge's HTTP span: continues a caller's traceparent, hands its own context to the route (so NATS
// requests are its children), records route and status, and is not installed while tracing is off.
import { startTracing, type TracingHandle } from '@idp/tracing';
import { InMemorySpanExporter } from '@idp/tracing/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import './fastify-types.js';
import { installHttpTracing } from './tracing-hook.js';

const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;

function appWithTracing() {
  const app = Fastify();
  app.decorateRequest('requestContext', null as never);
  app.addHook('onRequest', async (request) => {
    request.requestContext = { requestId: String(request.id) };
  });
  installHttpTracing(app);
  app.get('/api/v1/things/:id', async (request) => ({ traceparent: request.requestContext.traceparent }));
  app.get('/api/v1/broken', async () => {
    throw new Error('broken');
  });
  return app;
}

describe('the edge HTTP span', () => {
  it('is not installed while tracing is off', async () => {
    const app = appWithTracing();
    const res = await app.inject({ url: '/api/v1/things/1' });
    expect(res.json()).toEqual({});
    await app.close();
  });

  describe('with tracing on', () => {
    beforeAll(async () => {
      tracing = await startTracing({ service: 'edge-test', spanExporter: exporter });
    });
    afterAll(async () => tracing?.shutdown());

    it('continues the caller’s trace and gives the route its own context', async () => {
      exporter.reset();
      const app = appWithTracing();
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const res = await app.inject({
        url: '/api/v1/things/42?secret=x',
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      await app.close();
      const [span] = exporter.getFinishedSpans();
      expect(span?.name).toBe('GET /api/v1/things/:id');
      expect(span?.spanContext().traceId).toBe(traceId);
      expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(res.json().traceparent).toBe(`00-${traceId}-${span?.spanContext().spanId}-01`);
      expect(span?.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.route': '/api/v1/things/:id',
        'url.path': '/api/v1/things/42',
        'http.response.status_code': 200,
      });
    });

    it('marks a 5xx failed and starts a trace when the caller sent none', async () => {
      exporter.reset();
      const app = appWithTracing();
      const res = await app.inject({ url: '/api/v1/broken' });
      await app.close();
      expect(res.statusCode).toBe(500);
      const [span] = exporter.getFinishedSpans();
      expect(span?.parentSpanContext).toBeUndefined();
      expect(span?.status.code).toBe(2); // SpanStatusCode.ERROR
      expect(span?.attributes['http.response.status_code']).toBe(500);
    });
  });
});
