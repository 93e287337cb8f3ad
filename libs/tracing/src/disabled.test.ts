// With no OTLP endpoint, startTracing loads and installs nothing: no global OpenTelemetry state, no
// NATS hook (a request carries no traceparent), and the span helpers just run their callbacks.
import { connectNats, requestJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { startNatsServer } from '@idp/testing';
import { describe, expect, it } from 'vitest';
import { startSpan, startTracing, traceHeaders, tracingEnabled, withSpan, withSpanSync } from './index.js';

const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');

describe('tracing without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('installs nothing and costs a direct call', async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    const handle = await startTracing({ service: 'disabled-test' });
    expect(handle.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    expect((globalThis as Record<symbol, unknown>)[OTEL_GLOBAL]).toBeUndefined();
    expect(await withSpan('x', {}, async (span) => span.traceparent)).toBe('');
    expect(withSpanSync('y', {}, () => 42)).toBe(42);
    expect(startSpan('z').traceparent).toBe('');
    expect(traceHeaders()).toBeUndefined();

    const server = await startNatsServer();
    const logger = createLogger({ service: 'disabled-test', level: 'silent' });
    const nc = await connectNats({
      servers: server.url,
      name: 'disabled-test',
      logger,
      ...server.as('test'),
    });
    try {
      const seen = new Promise<string[]>((resolve) => {
        nc.subscribe('test.disabled', {
          max: 1,
          callback: (_err, msg) => {
            resolve(msg.headers?.keys() ?? []);
            msg.respond('{}');
          },
        });
      });
      await requestJson(nc, 'test.disabled', {});
      expect((await seen).map((k) => k.toLowerCase())).not.toContain('traceparent');
    } finally {
      await nc.close();
      await server.cleanup();
    }
    await handle.shutdown();
  });
});
