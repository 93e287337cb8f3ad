// Prometheus metrics of the edge, served by GET /metrics on the probe port (IDP_HEALTH_PORT), never on
// the public API listener.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export function createEdgeMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'idp_edge_' });
  const requests = new Counter({
    name: 'idp_edge_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'idp_edge_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['route', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    observe(route: string, method: string, status: number, seconds: number) {
      requests.inc({ route, method, status: String(status) });
      duration.observe({ route, method }, seconds);
    },
  };
}
export type EdgeMetrics = ReturnType<typeof createEdgeMetrics>;
