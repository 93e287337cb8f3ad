// One call per service: `await startTracing({ service: 'edge' })` early in main.ts. With no OTLP
// endpoint configured it returns at once and nothing of OpenTelemetry is loaded or installed.
import { readTracingSettings, tracingWanted } from './settings.js';
import { tracingEnabled } from './spans.js';
import type { StartTracingOptions, TracingHandle } from './tracing-options.js';

const DISABLED: TracingHandle = { enabled: false, shutdown: async () => {} };

export async function startTracing(options: StartTracingOptions): Promise<TracingHandle> {
  if (!options.spanExporter && !tracingWanted(process.env)) return DISABLED;
  if (tracingEnabled()) throw new Error('tracing is already started in this process');
  const { startSdk } = await import('./sdk.js');
  return startSdk(options, readTracingSettings(process.env, options.service));
}
