// Turns the validated `rate_limits` config into the counters one request must pass: global, the
// caller's per_user and per_tenant (after the tenant's tier override), and every matching endpoint
// limit. Each counter has a KV-safe key; identities are base64url so any user id fits.
import { createHash } from 'node:crypto';
import type { EndpointLimitSpec, LimitSpec, RateLimitsConfig, TierSpec } from '@idp/config';
import type { Principal } from '@idp/contracts';

export type PolicyName = 'global' | 'per_user' | 'per_tenant' | 'by_endpoint';

/** One counter a request is checked against. */
export interface BucketSpec {
  name: PolicyName;
  key: string;
  limit: number;
  window_ms: number;
}

interface Window {
  tag: 'm' | 'h';
  limit: number;
  window_ms: number;
}

interface Endpoint {
  method: string;
  segments: string[];
  id: string;
  per: NonNullable<EndpointLimitSpec['per']>;
  windows: Window[];
}

interface Tier {
  perUser: Window[];
  perTenant: Window[];
  endpoints: Endpoint[];
}

export interface PolicySet {
  enabled: boolean;
  config: RateLimitsConfig;
  /** `path` is the full URL path (`/api/v1/...`, no query); no principal → global only. */
  resolve(method: string, path: string, principal?: Principal): BucketSpec[];
}

const id = (value: string) => Buffer.from(value).toString('base64url') || '_';

function windows(spec: LimitSpec | undefined): Window[] {
  const out: Window[] = [];
  if (spec?.requests_per_minute) out.push({ tag: 'm', limit: spec.requests_per_minute, window_ms: 60_000 });
  if (spec?.requests_per_hour) out.push({ tag: 'h', limit: spec.requests_per_hour, window_ms: 3_600_000 });
  return out;
}

function compileEndpoints(map: Record<string, EndpointLimitSpec>): Endpoint[] {
  return Object.entries(map).map(([pattern, spec]) => {
    const [method, path] = pattern.split(' ') as [string, string];
    return {
      method,
      segments: path.split('/'),
      // The pattern itself has spaces and `*`; a short digest keeps the key KV-safe and stable.
      id: createHash('sha256').update(pattern).digest('hex').slice(0, 12),
      per: spec.per ?? 'user',
      windows: windows(spec),
    };
  });
}

function compileTier(config: RateLimitsConfig, tier: TierSpec | undefined): Tier {
  return {
    perUser: windows(tier?.per_user ?? config.per_user),
    perTenant: windows(tier?.per_tenant ?? config.per_tenant),
    endpoints: compileEndpoints({ ...config.by_endpoint, ...(tier?.by_endpoint ?? {}) }),
  };
}

const matches = (endpoint: Endpoint, method: string, segments: string[]) =>
  endpoint.method === method &&
  endpoint.segments.length === segments.length &&
  endpoint.segments.every((s, i) => s === '*' || s === segments[i]);

export function compilePolicies(config: RateLimitsConfig): PolicySet {
  const global = windows(config.global).map(
    (w): BucketSpec => ({ name: 'global', key: `g.${w.tag}.all`, limit: w.limit, window_ms: w.window_ms }),
  );
  const base = compileTier(config, config.default_tier ? config.tiers[config.default_tier] : undefined);
  const tiers = new Map(
    Object.entries(config.tiers).map(([name, spec]) => [name, compileTier(config, spec)]),
  );
  const tierOf = (tenant: string) => tiers.get(config.tenants[tenant] ?? '') ?? base;

  function resolve(method: string, path: string, principal?: Principal): BucketSpec[] {
    if (!principal) return global;
    const tier = tierOf(principal.tenant_id);
    const tenant = id(principal.tenant_id);
    const user = `${tenant}.${id(principal.sub)}`;
    const out = [...global];
    for (const w of tier.perUser) out.push(bucket('per_user', `u.${w.tag}.${user}`, w));
    for (const w of tier.perTenant) out.push(bucket('per_tenant', `t.${w.tag}.${tenant}`, w));
    if (tier.endpoints.length > 0) {
      const segments = path.split('/');
      for (const endpoint of tier.endpoints) {
        if (!matches(endpoint, method, segments)) continue;
        const who = endpoint.per === 'user' ? user : endpoint.per === 'tenant' ? tenant : 'all';
        for (const w of endpoint.windows)
          out.push(bucket('by_endpoint', `e${endpoint.id}.${w.tag}.${who}`, w));
      }
    }
    return out;
  }
  return { enabled: config.enabled, config, resolve };
}

const bucket = (name: PolicyName, key: string, w: Window): BucketSpec => ({
  name,
  key,
  limit: w.limit,
  window_ms: w.window_ms,
});
