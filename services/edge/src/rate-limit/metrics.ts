// Rate-limit metrics, registered into the edge's own registry so /metrics shows them.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface RateLimitGauges {
  fallbackCounters(): number;
  authFailures(): number;
}

export function createRateLimitMetrics(registry: Registry, gauges: RateLimitGauges) {
  const decisions = new Counter({
    name: 'idp_edge_ratelimit_decisions_total',
    help: 'Rate-limit decisions by outcome and the policy named in the headers',
    labelNames: ['outcome', 'policy'] as const,
    registers: [registry],
  });
  const unavailable = new Counter({
    name: 'idp_edge_ratelimit_unavailable_total',
    help: 'Requests decided without the ratelimit service (unreachable), by failure mode',
    labelNames: ['mode'] as const,
    registers: [registry],
  });
  const leases = new Counter({
    name: 'idp_edge_ratelimit_lease_requests_total',
    help: 'Lease requests to the ratelimit service: sync (a request waited) or async (refill)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const bucketErrors = new Counter({
    name: 'idp_edge_ratelimit_bucket_errors_total',
    help: 'Counters the ratelimit service could not serve in a batch (decided locally for a moment)',
    labelNames: ['error'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'idp_edge_ratelimit_fallback_counters',
    help: 'Local fallback counters held (bounded; least recently used dropped first)',
    registers: [registry],
    collect() {
      this.set(gauges.fallbackCounters());
    },
  });
  const evictions = new Counter({
    name: 'idp_edge_ratelimit_fallback_evictions_total',
    help: 'Local fallback counters dropped because the bound was reached',
    registers: [registry],
  });
  new Gauge({
    name: 'idp_edge_auth_failure_cache_entries',
    help: 'Refused credentials remembered (as hashes) so repeats cost no auth round trip',
    registers: [registry],
    collect() {
      this.set(gauges.authFailures());
    },
  });
  const failureHits = new Counter({
    name: 'idp_edge_auth_failure_cache_hits_total',
    help: 'Requests refused from the remembered refusals, without asking the auth service',
    registers: [registry],
  });
  return {
    decision: (outcome: 'admitted' | 'refused' | 'unavailable', policy: string) =>
      decisions.inc({ outcome, policy }),
    unavailable: (mode: string) => unavailable.inc({ mode }),
    lease: (kind: string, ok: boolean) => leases.inc({ kind, outcome: ok ? 'ok' : 'failed' }),
    bucketError: (error: string) => bucketErrors.inc({ error }),
    fallbackEvicted: () => evictions.inc(),
    authFailureCacheHit: () => failureHits.inc(),
  };
}
export type RateLimitMetrics = ReturnType<typeof createRateLimitMetrics>;
