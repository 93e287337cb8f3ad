// The probe listener (IDP_HEALTH_PORT): GET /healthz while the process runs, GET /readyz while the
// service says it is ready (with its details: this port is for orchestrators and Prometheus, never
// routed from the public Ingress), GET /metrics in the Prometheus text format (design.md §10).
import { createServer, type Server } from 'node:http';

/** What `GET /metrics` serves; a prom-client `Registry` is one. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** Readiness with whatever details help an operator (error strings included): probe port only. */
export interface ReadinessDetails {
  ready: boolean;
}

export interface ProbeOptions {
  ready: () => boolean;
  details?: () => Promise<ReadinessDetails>;
  metrics: MetricsSource;
}

export async function startHealthServer(port: number, probe: ProbeOptions): Promise<Server> {
  const server = createServer((request, response) => {
    answer(request.url ?? '/', probe).then(
      ({ status, type, body }) => {
        response.statusCode = status;
        response.setHeader('content-type', type);
        response.end(body);
      },
      () => {
        response.statusCode = 500;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ status: 'error' }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', resolve);
  });
  return server;
}

const JSON_TYPE = 'application/json';

async function answer(url: string, probe: ProbeOptions) {
  const path = url.split('?')[0];
  if (path === '/healthz') return { status: 200, type: JSON_TYPE, body: JSON.stringify({ status: 'ok' }) };
  if (path === '/metrics') {
    return { status: 200, type: probe.metrics.contentType, body: await probe.metrics.metrics() };
  }
  if (path === '/readyz') {
    const details = probe.details ? await probe.details() : undefined;
    const ok = probe.ready() && (details?.ready ?? true);
    const body = { status: ok ? 'ok' : 'not ready', ...details, ready: ok };
    return { status: ok ? 200 : 503, type: JSON_TYPE, body: JSON.stringify(body) };
  }
  return { status: 404, type: JSON_TYPE, body: JSON.stringify({ status: 'not found' }) };
}
