import { describe, expect, it } from 'vitest';
import { readTracingSettings, tracingWanted } from './settings.js';

describe('tracingWanted', () => {
  it('is on only with an OTLP endpoint', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(
      true,
    );
  });

  it('honours the standard kill switches', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(tracingWanted({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingWanted({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracingWanted({ ...endpoint, OTEL_SDK_DISABLED: 'false' })).toBe(true);
  });
});

describe('readTracingSettings', () => {
  it('defaults to our service name, parent-based always-on, the spec batch defaults', () => {
    const settings = readTracingSettings({}, 'edge');
    expect(settings).toEqual({
      serviceName: 'edge',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      batch: {
        scheduledDelayMillis: 5000,
        exportTimeoutMillis: 30_000,
        maxQueueSize: 2048,
        maxExportBatchSize: 512,
      },
      warnings: [],
    });
  });

  it('reads OTEL_SERVICE_NAME, the sampler and the batch processor variables', () => {
    const settings = readTracingSettings(
      {
        OTEL_SERVICE_NAME: 'gateway-edge',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_BSP_MAX_QUEUE_SIZE: '64',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '128',
      },
      'edge',
    );
    expect(settings.serviceName).toBe('gateway-edge');
    expect(settings.sampler).toBe('parentbased_traceidratio');
    expect(settings.samplerRatio).toBe(0.25);
    expect(settings.batch.scheduledDelayMillis).toBe(100);
    // A batch can never be larger than the queue.
    expect(settings.batch.maxExportBatchSize).toBe(64);
  });

  it('ignores bad values with a warning instead of failing the service', () => {
    const settings = readTracingSettings(
      {
        OTEL_BSP_SCHEDULE_DELAY: 'soon',
        OTEL_TRACES_SAMPLER: 'jaeger_remote',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      },
      'platform',
    );
    expect(settings.batch.scheduledDelayMillis).toBe(5000);
    expect(settings.sampler).toBe('parentbased_always_on');
    expect(settings.warnings).toHaveLength(3);
    expect(settings.warnings.join('\n')).toMatch(/OTEL_BSP_SCHEDULE_DELAY=soon/);
    expect(settings.warnings.join('\n')).toMatch(/grpc is not supported/);
  });
});
