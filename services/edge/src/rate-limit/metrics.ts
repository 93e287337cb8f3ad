// Rate-limit metrics, registered into the edge's own registry so /metrics shows them.
import { Counter, type Registry } from 'prom-client';

export function createRateLimitMetrics(registry: Registry) {
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
  return {
    decision: (outcome: 'admitted' | 'refused' | 'unavailable', policy: string) =>
      decisions.inc({ outcome, policy }),
    unavailable: (mode: string) => unavailable.inc({ mode }),
    lease: (kind: string, ok: boolean) => leases.inc({ kind, outcome: ok ? 'ok' : 'failed' }),
  };
}
export type RateLimitMetrics = ReturnType<typeof createRateLimitMetrics>;
