// What startTracing takes and returns: shared by start.ts (always loaded) and sdk.ts (loaded only when
// tracing is on), so neither has to import the other's module for its types.
import type { SpanExporter } from '@opentelemetry/sdk-trace';

/** Where the SDK's own warnings go (a pino logger fits). */
export interface TracingLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface StartTracingOptions {
  /** Our service's name: `service.name` unless OTEL_SERVICE_NAME says otherwise. */
  service: string;
  /** `service.instance.id` (IDP_INSTANCE_ID). */
  instance?: string;
  version?: string;
  logger?: TracingLogger;
  /** Tests: export to this exporter (e.g. InMemorySpanExporter), span by span, whatever the environment. */
  spanExporter?: SpanExporter;
}

export interface TracingHandle {
  readonly enabled: boolean;
  /** Flushes queued spans to the exporter and uninstalls every hook; call it when the service stops. */
  shutdown(): Promise<void>;
}
