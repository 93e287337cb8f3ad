import { Registry } from '@idp/service-kit';
import { describe, expect, it } from 'vitest';
import { createRateLimitMetrics, scopeOfKey } from './metrics.js';

const grant = (key: string, granted: number, error?: 'INVALID_BUCKET' | 'CONTENDED' | 'STORE_FAILED') => ({
  key,
  granted,
  window: 0,
  remaining: 0,
  reset_in_ms: 0,
  ...(error && { error }),
});

describe('ratelimit metrics', () => {
  it('reads the kind of limit from the key prefix, never the identity after it', () => {
    expect(scopeOfKey('g.m1.all')).toBe('global');
    expect(scopeOfKey('u.m1.abcdef')).toBe('per_user');
    expect(scopeOfKey('t.h1.abcdef')).toBe('per_tenant');
    expect(scopeOfKey('a.m1.abcdef')).toBe('unauthenticated');
    expect(scopeOfKey('e12.h1.abcdef')).toBe('by_endpoint');
    expect(scopeOfKey('tenant_7.m1.x')).toBe('other');
    expect(scopeOfKey('nodots')).toBe('other');
  });

  it('counts grants, refusals (exhausted) and bucket errors by scope, and the tokens handed out', async () => {
    const registry = new Registry();
    const metrics = createRateLimitMetrics(registry);
    metrics.leased([
      grant('u.m1.x', 5),
      grant('u.m1.y', 0),
      grant('t.m1.z', 2),
      grant('g.m1.all', 0, 'CONTENDED'),
    ]);
    const leases = (await registry.getSingleMetric('idp_ratelimit_leases_total')!.get()).values;
    expect(leases.map((v) => [v.labels.scope, v.labels.outcome, v.value])).toEqual([
      ['per_user', 'granted', 1],
      ['per_user', 'exhausted', 1],
      ['per_tenant', 'granted', 1],
      ['global', 'contended', 1],
    ]);
    const tokens = (await registry.getSingleMetric('idp_ratelimit_tokens_granted_total')!.get()).values;
    expect(tokens.map((v) => [v.labels.scope, v.value])).toEqual([
      ['per_user', 5],
      ['per_tenant', 2],
    ]);
  });
});
