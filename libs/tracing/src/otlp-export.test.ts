// Enabled by the environment alone, as in a service: spans go over OTLP/HTTP (JSON) to the endpoint,
// shutdown() flushes what is queued, and a collector that never answers cannot hold shutdown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTracing, withSpan } from './index.js';

let server: Server | undefined;

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_BSP_SCHEDULE_DELAY', 'OTEL_EXPORTER_OTLP_TIMEOUT'])
    delete process.env[name];
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
});

describe('OTLP/HTTP export', () => {
  it('sends the spans still queued when the service stops', async () => {
    const bodies: string[] = [];
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = await listen((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        bodies.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    process.env.OTEL_BSP_SCHEDULE_DELAY = '600000'; // only shutdown() exports
    const tracing = await startTracing({ service: 'export-test' });
    expect(tracing.enabled).toBe(true);
    await withSpan('queued work', {}, async () => {});
    expect(bodies).toEqual([]);
    await tracing.shutdown();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatch(/^POST \/v1\/traces /);
    const exported = JSON.parse(bodies[0]!.replace(/^POST \/v1\/traces /, ''));
    const [resourceSpans] = exported.resourceSpans;
    expect(resourceSpans.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'export-test' },
    });
    expect(resourceSpans.scopeSpans[0].spans[0].name).toBe('queued work');
  });

  it('stops without waiting for a collector that never answers', async () => {
    // Accepts the connection and never replies; the exporter alone would wait a minute.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = await listen(() => {});
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '60000';
    const tracing = await startTracing({ service: 'export-test' });
    await withSpan('never delivered', {}, async () => {});
    // Bounded by the flush limit in sdk.ts; this test's own timeout (20 s) is far below a minute.
    await tracing.shutdown();
  });
});
