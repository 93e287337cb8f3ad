// Which standard OTEL_* variables switch tracing on and tune it. Pure (no SDK import), so deciding that
// tracing is off costs nothing. The SDK 3.x no longer reads these itself (that moved to sdk-node), so
// the few we honour are read here; the exporter still reads its own OTEL_EXPORTER_OTLP_* variables.

export type Env = Record<string, string | undefined>;

export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface TracingSettings {
  /** `service.name`: OTEL_SERVICE_NAME when set, else the service's own name. */
  serviceName: string;
  sampler: SamplerName;
  /** For the ratio samplers (OTEL_TRACES_SAMPLER_ARG), 0..1. */
  samplerRatio: number;
  batch: {
    scheduledDelayMillis: number;
    exportTimeoutMillis: number;
    maxQueueSize: number;
    maxExportBatchSize: number;
  };
  /** Problems with the variables (ignored values); logged once at start. */
  warnings: string[];
}

const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';

/**
 * On only when an OTLP endpoint is configured, and not switched off by the standard kill switches
 * (OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none).
 */
export function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return isSet(env.OTEL_EXPORTER_OTLP_ENDPOINT) || isSet(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export function readTracingSettings(env: Env, service: string): TracingSettings {
  const warnings: string[] = [];
  const number = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (!isSet(raw)) return fallback;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= min) return value;
    warnings.push(`${name}=${raw} is not a number >= ${min}; using ${fallback}`);
    return fallback;
  };
  const samplerRaw = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  let sampler: SamplerName = 'parentbased_always_on';
  if (samplerRaw && (SAMPLERS as readonly string[]).includes(samplerRaw)) sampler = samplerRaw as SamplerName;
  else if (samplerRaw) warnings.push(`OTEL_TRACES_SAMPLER=${samplerRaw} is not supported; using ${sampler}`);
  const ratio = number('OTEL_TRACES_SAMPLER_ARG', 1, 0);
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (isSet(protocol) && protocol !== 'http/json') {
    warnings.push(`OTLP protocol ${protocol} is not supported; spans are sent as http/json`);
  }
  const maxQueueSize = number('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1);
  return {
    serviceName: isSet(env.OTEL_SERVICE_NAME) ? env.OTEL_SERVICE_NAME!.trim() : service,
    sampler,
    samplerRatio: Math.min(1, ratio),
    batch: {
      scheduledDelayMillis: number('OTEL_BSP_SCHEDULE_DELAY', 5000, 0),
      exportTimeoutMillis: number('OTEL_BSP_EXPORT_TIMEOUT', 30_000, 1),
      maxQueueSize,
      maxExportBatchSize: Math.min(maxQueueSize, number('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1)),
    },
    warnings,
  };
}
