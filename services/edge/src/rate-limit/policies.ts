// Turns the validated `rate_limits` config into the counters one request must pass: global, the
// caller's per_user and per_tenant (after the tenant's tier override) and every endpoint limit that
// matches the route the router chose; a request with no principal passes only `unauthenticated`, per
// client address. Counter keys are `<policy>.<window>.<digest>`: a fixed length whatever the identity.
import { createHash } from 'node:crypto';
import type { EndpointLimitSpec, LimitSpec, RateLimitsConfig, TierSpec } from '@idp/config';
import type { Principal } from '@idp/contracts';
import { clientAddress, trustedProxies } from './client-address.js';

export type PolicyName = 'global' | 'per_user' | 'per_tenant' | 'by_endpoint' | 'unauthenticated';

/** One counter a request is checked against. */
export interface BucketSpec {
  name: PolicyName;
  key: string;
  limit: number;
  window_ms: number;
}

/** What the router matched: the route's pattern (`/api/v1/applications/:id`) and its decoded params. */
export interface MatchedRoute {
  method: string;
  /** Undefined when no route matched (a 404): no endpoint limit can apply. */
  url?: string;
  params: Record<string, string>;
}

/** Who is asking: a verified principal, or else only the client's address. */
export type Caller = { principal: Principal } | { address: string };

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
  resolve(route: MatchedRoute, caller: Caller): BucketSpec[];
  /** The address an unauthenticated request is counted by (`trusted_proxies` decides XFF). */
  clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): string;
}

/**
 * 128 bits of SHA-256 in base64url (22 characters, KV-safe): any identity, however long or
 * non-ASCII, makes a key of the same length, and two identities never share a counter by accident.
 */
export const digest = (...parts: string[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22);

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

/**
 * An endpoint limit applies when its pattern describes the matched route: `*` takes any segment, a
 * literal must equal the route's literal or, where the route has a `:param`, the param's decoded
 * value. The raw URL is never looked at, so `%61pplications` or `//applications/` cannot dodge it.
 * HEAD runs the GET handler, so GET limits count it too.
 */
function matches(endpoint: Endpoint, route: MatchedRoute, routeSegments: string[]) {
  const method = route.method === 'HEAD' ? 'GET' : route.method;
  if (endpoint.method !== method || endpoint.segments.length !== routeSegments.length) return false;
  return endpoint.segments.every((want, i) => {
    const have = routeSegments[i]!;
    if (want === '*') return true;
    return have.startsWith(':') ? route.params[have.slice(1)] === want : have === want;
  });
}

export function compilePolicies(config: RateLimitsConfig): PolicySet {
  const global = windows(config.global).map(
    (w): BucketSpec => ({ name: 'global', key: `g.${w.tag}.all`, limit: w.limit, window_ms: w.window_ms }),
  );
  const anonymous = windows(config.unauthenticated);
  const base = compileTier(config, config.default_tier ? config.tiers[config.default_tier] : undefined);
  const tiers = new Map(
    Object.entries(config.tiers).map(([name, spec]) => [name, compileTier(config, spec)]),
  );
  const tierOf = (tenant: string) => tiers.get(config.tenants[tenant] ?? '') ?? base;
  // The auth cache hands out the same principal object for a credential: digest it once.
  const identities = new WeakMap<Principal, { user: string; tenant: string }>();
  const identity = (p: Principal) => {
    let id = identities.get(p);
    if (!id) {
      id = { user: digest(p.tenant_id, p.sub), tenant: digest(p.tenant_id) };
      identities.set(p, id);
    }
    return id;
  };

  function resolve(route: MatchedRoute, caller: Caller): BucketSpec[] {
    if (!('principal' in caller)) {
      const who = digest(caller.address);
      return anonymous.map((w) => bucket('unauthenticated', `a.${w.tag}.${who}`, w));
    }
    const tier = tierOf(caller.principal.tenant_id);
    const { user, tenant } = identity(caller.principal);
    const out = [...global];
    for (const w of tier.perUser) out.push(bucket('per_user', `u.${w.tag}.${user}`, w));
    for (const w of tier.perTenant) out.push(bucket('per_tenant', `t.${w.tag}.${tenant}`, w));
    if (tier.endpoints.length > 0 && route.url) {
      const segments = route.url.split('/');
      for (const endpoint of tier.endpoints) {
        if (!matches(endpoint, route, segments)) continue;
        const who = endpoint.per === 'user' ? user : endpoint.per === 'tenant' ? tenant : 'all';
        for (const w of endpoint.windows)
          out.push(bucket('by_endpoint', `e${endpoint.id}.${w.tag}.${who}`, w));
      }
    }
    return out;
  }
  const trusted = trustedProxies(config.trusted_proxies);
  return {
    enabled: config.enabled,
    config,
    resolve,
    clientAddress: (peer, forwardedFor) => clientAddress(peer, forwardedFor, trusted),
  };
}

const bucket = (name: PolicyName, key: string, w: Window): BucketSpec => ({
  name,
  key,
  limit: w.limit,
  window_ms: w.window_ms,
});
