// @idp/tracing: OpenTelemetry spans across HTTP and NATS hops (design.md §10, docs/observability.md).
// This entry point loads nothing of OpenTelemetry; startTracing imports the SDK only when enabled.
export { Attr } from './attributes.js';
export { readTracingSettings, type TracingSettings, tracingWanted } from './settings.js';
export {
  type SpanAttributes,
  type SpanHandle,
  type SpanKindName,
  type SpanOptions,
  startSpan,
  type TraceCarrier,
  traceHeaders,
  tracingEnabled,
  withSpan,
  withSpanSync,
} from './spans.js';
export { startTracing } from './start.js';
export type { StartTracingOptions, TracingHandle, TracingLogger } from './tracing-options.js';
