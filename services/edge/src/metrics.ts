// Prometheus metrics of the edge, served by GET /metrics on the probe port (IDP_HEALTH_PORT), never on
// the public API listener. Labels stay bounded: the matched route template, never the raw URL.
import { createServiceRegistry } from '@idp/service-kit';
import { Counter, Histogram } from 'prom-client';

export type AuthCacheLookup = 'hit' | 'miss' | 'expired';

export function createEdgeMetrics(options: { instance?: string } = {}) {
  const registry = createServiceRegistry({ service: 'edge', instance: options.instance ?? `${process.pid}` });
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
  const authCache = new Counter({
    name: 'idp_edge_auth_cache_lookups_total',
    help: 'Authentication decisions looked up in the edge cache: hit, miss, or expired (asked again)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  return {
    registry,
    observe(route: string, method: string, status: number, seconds: number) {
      requests.inc({ route, method, status: String(status) });
      duration.observe({ route, method }, seconds);
    },
    authCacheLookup(result: AuthCacheLookup) {
      authCache.inc({ result });
    },
  };
}
export type EdgeMetrics = ReturnType<typeof createEdgeMetrics>;
