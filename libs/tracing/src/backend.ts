// The span helpers of spans.ts over the OpenTelemetry API. Loaded only when tracing is on.

import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';
import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { carrierGetter, msgHdrsSetter } from './carriers.js';
import type { SpanAttributes, SpanHandle, SpanKindName, SpanOptions, TracingBackend } from './spans.js';

const KINDS: Record<SpanKindName, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/** The context a new span starts in: the carrier's remote parent when given, else the active one. */
export function parentContext(options: Pick<SpanOptions, 'parent'>): Context {
  const active = context.active();
  return options.parent ? propagation.extract(active, options.parent, carrierGetter) : active;
}

export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/** Attributes without the undefined entries (OpenTelemetry drops them with a warning otherwise). */
export function definedAttributes(attributes: SpanAttributes | undefined) {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) out[key] = value;
  return out;
}

export function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.setAttribute('error.type', (error as { code?: unknown }).code?.toString() ?? error.name);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
}

function handleFor(span: Span): SpanHandle {
  return {
    get traceparent() {
      return traceparentOf(span);
    },
    setAttributes: (attributes) => span.setAttributes(definedAttributes(attributes)),
    updateName: (name) => span.updateName(name),
    fail: (error) => failSpan(span, error),
    end: () => span.end(),
  };
}

export function createBackend(tracer: Tracer): TracingBackend {
  const start = (name: string, options: SpanOptions) => {
    const parent = parentContext(options);
    const span = tracer.startSpan(
      name,
      { kind: KINDS[options.kind ?? 'internal'], attributes: definedAttributes(options.attributes) },
      parent,
    );
    return { span, active: trace.setSpan(parent, span) };
  };
  return {
    startSpan: (name, options) => handleFor(start(name, options).span),
    async inSpan(name, options, fn) {
      const { span, active } = start(name, options);
      try {
        return await context.with(active, () => fn(handleFor(span)));
      } catch (error) {
        failSpan(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
    inSpanSync(name, options, fn) {
      const { span, active } = start(name, options);
      try {
        return context.with(active, () => fn(handleFor(span)));
      } catch (error) {
        failSpan(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
    activeContextHeaders(into?: MsgHdrs) {
      const active = context.active();
      if (!trace.getSpan(active)) return into;
      const carrier = into ?? natsHeaders();
      propagation.inject(active, carrier, msgHdrsSetter);
      return carrier;
    },
  };
}
