// Everything of the OpenTelemetry SDK lives behind this module, which startTracing imports dynamically
// only when tracing is on: provider, sampler, batch processor, OTLP/HTTP exporter, context manager,
// propagator, and the NATS instrumentation.
import { installNatsInstrumentation } from '@idp/nats';
import { context, DiagLogLevel, diag, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { createBackend } from './backend.js';
import { natsTracing } from './nats-instrumentation.js';
import type { TracingSettings } from './settings.js';
import { setTracingBackend } from './spans.js';
import type { StartTracingOptions, TracingHandle, TracingLogger } from './tracing-options.js';

export function startSdk(options: StartTracingOptions, settings: TracingSettings): TracingHandle {
  if (options.logger) {
    diag.setLogger(diagLogger(options.logger), DiagLogLevel.WARN);
    for (const warning of settings.warnings) options.logger.warn({ tracing: true }, warning);
  }
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new TracerProvider({
    resource: defaultResource()
      .merge(
        resourceFromAttributes({
          'service.name': settings.serviceName,
          'service.namespace': 'idp',
          ...(options.instance && { 'service.instance.id': options.instance }),
          ...(options.version && { 'service.version': options.version }),
        }),
      )
      // OTEL_RESOURCE_ATTRIBUTES may add to or override ours; OTEL_SERVICE_NAME (already in
      // settings.serviceName) wins over a service.name there, as the specification says.
      .merge(detectResources({ detectors: [resourceAttributesEnvDetector] }))
      .merge(
        settings.serviceName !== options.service
          ? resourceFromAttributes({ 'service.name': settings.serviceName })
          : null,
      ),
    sampler: samplerFor(settings),
    spanProcessors: [processorFor(options, settings)],
  });
  trace.setGlobalTracerProvider(provider);
  const tracer = trace.getTracer('@idp/tracing');
  setTracingBackend(createBackend(tracer));
  const uninstallNats = installNatsInstrumentation(natsTracing(tracer));
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown: () => {
      stopped ??= (async () => {
        uninstallNats();
        setTracingBackend(undefined);
        try {
          await withinMs(provider.shutdown(), SHUTDOWN_FLUSH_MS); // flushes what is still queued
        } finally {
          trace.disable();
          propagation.disable();
          context.disable();
          diag.disable();
        }
      })();
      return stopped;
    },
  };
}

/**
 * How long stopping waits for the last spans to reach the collector. An unreachable collector must not
 * hold a rolling restart (the exporter alone would wait its 10 s timeout): those spans are dropped.
 */
const SHUTDOWN_FLUSH_MS = 2_000;

function withinMs(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Tests hand in an exporter and see each span as soon as it ends; services batch to OTLP/HTTP. */
function processorFor(options: StartTracingOptions, settings: TracingSettings): SpanProcessor {
  if (options.spanExporter) return new SimpleSpanProcessor({ exporter: options.spanExporter });
  // The exporter reads its OTEL_EXPORTER_OTLP_* variables (endpoint, headers, timeout, TLS) itself.
  return new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...settings.batch });
}

function samplerFor(settings: TracingSettings): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(settings.samplerRatio);
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The SDK's own complaints (an unreachable collector, a dropped batch) as structured log lines. */
function diagLogger(logger: TracingLogger) {
  const log =
    (level: 'warn' | 'error') =>
    (message: string, ...args: unknown[]) =>
      logger[level]({ tracing: true, details: args.map(String) }, message);
  const quiet = () => {};
  return { error: log('error'), warn: log('warn'), info: quiet, debug: quiet, verbose: quiet };
}
