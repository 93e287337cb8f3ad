// The ratelimit service's own Prometheus numbers: counters leased and refused, by the kind of limit
// (global, per user, per tenant, per endpoint) read from the counter key's first token. The identity
// part of a key (a user's or tenant's digest) never becomes a label.
import type { LeaseGrant } from '@idp/contracts';
import { Counter, type Registry } from '@idp/service-kit';

/** The edge's key prefixes (`<prefix>.<window>.<identity>`; endpoint ones are `e<n>`). */
const SCOPE_BY_PREFIX: Record<string, string> = {
  g: 'global',
  a: 'unauthenticated',
  u: 'per_user',
  t: 'per_tenant',
};

export function scopeOfKey(key: string): string {
  const prefix = key.slice(0, Math.max(0, key.indexOf('.')));
  if (/^e\d+$/.test(prefix)) return 'by_endpoint';
  return SCOPE_BY_PREFIX[prefix] ?? 'other';
}

/** granted: some tokens leased; exhausted: none left in the window (the edge refuses); else the error. */
function outcomeOf(grant: LeaseGrant): string {
  if (grant.error) return grant.error.toLowerCase(); // invalid_bucket, contended, store_failed
  return grant.granted > 0 ? 'granted' : 'exhausted';
}

export function createRateLimitMetrics(registry: Registry) {
  const leases = new Counter({
    name: 'idp_ratelimit_leases_total',
    help: 'Counter leases answered, by scope kind and outcome (granted, exhausted, or the bucket error)',
    labelNames: ['scope', 'outcome'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'idp_ratelimit_tokens_granted_total',
    help: 'Tokens handed to edges (each admits one request), by scope kind',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  return {
    /** Counts the grants of one lease request. */
    leased(grants: readonly LeaseGrant[]): void {
      for (const grant of grants) {
        const scope = scopeOfKey(grant.key);
        leases.inc({ scope, outcome: outcomeOf(grant) });
        if (grant.granted > 0) tokens.inc({ scope }, grant.granted);
      }
    },
  };
}
export type RateLimitMetrics = ReturnType<typeof createRateLimitMetrics>;
