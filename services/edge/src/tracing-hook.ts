// The edge's HTTP span: the root of every trace that starts at the API (or the child of a caller's
// own `traceparent`). Its context replaces the request's `traceparent`, so every NATS request the
// route makes (auth, backend) is its child. Installs nothing while tracing is off.
import { Attr, type SpanHandle, startSpan, tracingEnabled } from '@idp/tracing';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Register after the hook that sets `request.requestContext`, before any hook that calls NATS. */
export function installHttpTracing(app: FastifyInstance): void {
  if (!tracingEnabled()) return;
  const spans = new WeakMap<FastifyRequest, SpanHandle>();
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    const span = startSpan(`${request.method} ${route ?? 'unmatched'}`, {
      kind: 'server',
      parent: request.headers,
      attributes: {
        [Attr.httpMethod]: request.method,
        [Attr.httpRoute]: route,
        // The path only: a query string may hold anything a client put there.
        [Attr.urlPath]: request.url.split('?', 1)[0],
        [Attr.requestId]: request.id,
      },
    });
    spans.set(request, span);
    request.requestContext.traceparent = span.traceparent;
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttributes({
      [Attr.httpStatus]: reply.statusCode,
      [Attr.tenant]: request.principal?.tenant_id,
    });
    if (reply.statusCode >= 500) span.fail(`HTTP ${reply.statusCode}`);
    span.end();
  });
  app.addHook('onRequestAbort', async (request) => {
    const span = spans.get(request);
    if (!span) return;
    span.fail('client aborted the request');
    span.end();
  });
}
