// The span helpers services call. They import nothing from OpenTelemetry: while tracing is off (no
// backend installed by startTracing) each one is an `undefined` check and a direct call, so code can
// be instrumented unconditionally at no cost.
import type { MsgHdrs } from '@nats-io/transport-node';

export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** Where a W3C trace context travels: NATS message headers, or HTTP request headers. */
export type TraceCarrier = MsgHdrs | Record<string, string | string[] | undefined>;

export interface SpanOptions {
  kind?: SpanKindName;
  attributes?: SpanAttributes;
  /** Continue the trace carried here (a remote parent) instead of the active span. */
  parent?: TraceCarrier;
}

export interface SpanHandle {
  /** The span's W3C `traceparent`, to hand to code that carries context explicitly ('' when off). */
  readonly traceparent: string;
  setAttributes(attributes: SpanAttributes): void;
  updateName(name: string): void;
  /** Marks the span failed: an Error records its type and message, a string is the message. */
  fail(error: unknown): void;
  end(): void;
}

/** What startTracing installs; implemented over the OpenTelemetry API in backend.ts. */
export interface TracingBackend {
  startSpan(name: string, options: SpanOptions): SpanHandle;
  inSpan<T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => Promise<T>): Promise<T>;
  inSpanSync<T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => T): T;
  /** Headers carrying the active span's context, or undefined without an active span. */
  activeContextHeaders(into?: MsgHdrs): MsgHdrs | undefined;
}

const NOOP_SPAN: SpanHandle = {
  traceparent: '',
  setAttributes: () => {},
  updateName: () => {},
  fail: () => {},
  end: () => {},
};

let backend: TracingBackend | undefined;

/** Installed by startTracing, removed by its shutdown(). */
export function setTracingBackend(next: TracingBackend | undefined): void {
  backend = next;
}

export const tracingEnabled = (): boolean => backend !== undefined;

/** A span the caller ends itself (e.g. across framework hooks); a shared no-op when tracing is off. */
export function startSpan(name: string, options: SpanOptions = {}): SpanHandle {
  return backend ? backend.startSpan(name, options) : NOOP_SPAN;
}

/** Runs `fn` inside a span that is active for everything it awaits; a throw fails the span. */
export function withSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: SpanHandle) => Promise<T>,
): Promise<T> {
  return backend ? backend.inSpan(name, options, fn) : fn(NOOP_SPAN);
}

export function withSpanSync<T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => T): T {
  return backend ? backend.inSpanSync(name, options, fn) : fn(NOOP_SPAN);
}

/**
 * NATS headers carrying the active trace context, for a message published now (a work item, a public
 * event) so whoever consumes it continues the trace. Undefined when tracing is off or nothing is active.
 */
export function traceHeaders(into?: MsgHdrs): MsgHdrs | undefined {
  return backend?.activeContextHeaders(into);
}
