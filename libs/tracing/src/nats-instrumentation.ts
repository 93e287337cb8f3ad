// Client and server spans around every NATS request/reply (libs/nats's instrumentation seam), with the
// client span's context sent on in the request's `traceparent` header, so the responder's span is its
// child even in another process.
import { ErrorCodes } from '@idp/contracts';
import type { IncomingRequest, NatsInstrumentation, OutgoingRequest } from '@idp/nats';
import { context, propagation, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { Attr } from './attributes.js';
import { definedAttributes, failSpan, parentContext } from './backend.js';
import { msgHdrsSetter } from './carriers.js';

export function natsTracing(tracer: Tracer): NatsInstrumentation {
  return {
    async aroundRequest<T>(request: OutgoingRequest, send: () => Promise<T>): Promise<T> {
      // A caller that carries context explicitly (the edge's RequestContext) has no active span: its
      // `traceparent` header is then the parent. An active span (inside a handler) always wins.
      const active = context.active();
      const parent = trace.getSpan(active) ? active : parentContext({ parent: request.headers });
      const span = tracer.startSpan(
        `send ${request.subject}`,
        {
          kind: SpanKind.CLIENT,
          attributes: definedAttributes({
            [Attr.messagingSystem]: 'nats',
            [Attr.messagingOperation]: 'send',
            [Attr.messagingDestination]: request.subject,
          }),
        },
        parent,
      );
      const spanContext = trace.setSpan(parent, span);
      propagation.inject(spanContext, request.headers, msgHdrsSetter);
      try {
        return await context.with(spanContext, send);
      } catch (error) {
        failSpan(span, error);
        throw error;
      } finally {
        span.end();
      }
    },

    async aroundHandler<T>(request: IncomingRequest, run: () => Promise<T>): Promise<T> {
      const parent = request.msg.headers ? parentContext({ parent: request.msg.headers }) : context.active();
      // Named for the subject, not the pattern: a service may answer all its routes on one wildcard
      // (`idp.rpc.platform.>`), and RPC subjects name a route, never an id, so they stay few.
      const span = tracer.startSpan(
        `process ${request.subject}`,
        {
          kind: SpanKind.SERVER,
          attributes: definedAttributes({
            [Attr.messagingSystem]: 'nats',
            [Attr.messagingOperation]: 'process',
            [Attr.messagingDestination]: request.subject,
            [Attr.messagingSubscription]: request.pattern,
            [Attr.messagingConsumerGroup]: request.queue,
          }),
        },
        parent,
      );
      try {
        const reply = await context.with(trace.setSpan(parent, span), run);
        annotateReply(span, reply);
        return reply;
      } catch (error) {
        failSpan(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  };
}

/** An `{ok:false}` reply names its error code; a server-side one (5xx) marks the span failed. */
function annotateReply(span: ReturnType<Tracer['startSpan']>, reply: unknown): void {
  if (!reply || typeof reply !== 'object' || !('ok' in reply) || reply.ok !== false) return;
  const code = (reply as { error?: { code?: string } }).error?.code;
  if (!code) return;
  span.setAttribute(Attr.errorType, code);
  const status = ErrorCodes[code as keyof typeof ErrorCodes];
  if (status === undefined || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}
