// The `rate_limits:` section of config/gateway.yaml (spec §6.1 plus tiers and the failure mode):
// validated with errors that name the bad key, so a typo never silently disables a limit.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { type RouteDef, Routes } from '@idp/contracts';
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { parse } from 'yaml';
import { ConfigError } from './env.js';

const Count = Type.Integer({ minimum: 1, maximum: 100_000_000 });
const Window = { requests_per_minute: Type.Optional(Count), requests_per_hour: Type.Optional(Count) };

/** One limit: per minute, per hour or both (each is its own counter). */
export const LimitSpec = Type.Object(Window, { additionalProperties: false });
export type LimitSpec = Static<typeof LimitSpec>;

/** Whose requests an endpoint limit counts together. */
export const EndpointScope = Type.Union([
  Type.Literal('user'),
  Type.Literal('tenant'),
  Type.Literal('global'),
]);
export type EndpointScope = Static<typeof EndpointScope>;

export const EndpointLimitSpec = Type.Object(
  { ...Window, per: Type.Optional(EndpointScope) },
  { additionalProperties: false },
);
export type EndpointLimitSpec = Static<typeof EndpointLimitSpec>;

const EndpointMap = Type.Record(Type.String(), EndpointLimitSpec, { default: {} });

/** What a tier may change: everything that is counted per tenant or per principal. */
export const TierSpec = Type.Object(
  {
    per_user: Type.Optional(LimitSpec),
    per_tenant: Type.Optional(LimitSpec),
    by_endpoint: Type.Optional(Type.Record(Type.String(), EndpointLimitSpec)),
  },
  { additionalProperties: false },
);
export type TierSpec = Static<typeof TierSpec>;

const Name = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/** Refused credentials remembered at the edge (as a SHA-256), so a repeated bad one costs no auth hop. */
export const AuthFailureCacheSpec = Type.Object(
  {
    /** How long a refusal is reused; short, so a token that becomes valid (nbf, new key) is not held off. */
    ttl_ms: Type.Integer({ minimum: 0, maximum: 300_000, default: 10_000 }),
    /** Most refusals remembered per edge (oldest dropped first); 0 turns the cache off. */
    max_entries: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10_000 }),
  },
  { additionalProperties: false, default: {} },
);
export type AuthFailureCacheSpec = Static<typeof AuthFailureCacheSpec>;

export const RateLimitsConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    global: Type.Optional(LimitSpec),
    per_user: Type.Optional(LimitSpec),
    per_tenant: Type.Optional(LimitSpec),
    /**
     * Requests with no verified principal (a failed authentication, an unknown /api/v1 path, the
     * public documents), counted per client address and never toward `global`: an anonymous flood
     * cannot spend the budget every tenant shares.
     */
    unauthenticated: Type.Object(Window, {
      additionalProperties: false,
      default: { requests_per_minute: 300 },
    }),
    /**
     * Peers (IP addresses or CIDR ranges) whose `X-Forwarded-For` is believed when finding the client
     * address. Empty (the default): the TCP peer is the client and the header is ignored, since any
     * client could otherwise pick its own bucket.
     */
    trusted_proxies: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { default: [], maxItems: 256 }),
    auth_failure_cache: AuthFailureCacheSpec,
    by_endpoint: EndpointMap,
    tiers: Type.Record(Name, TierSpec, { default: {} }),
    /** tenant id → tier name; tenants not listed get `default_tier` (or the base limits). */
    tenants: Type.Record(Type.String({ minLength: 1 }), Name, { default: {} }),
    default_tier: Type.Optional(Name),
    /** What the edge does when no ratelimit instance answers. */
    on_unavailable: Type.Union([Type.Literal('allow_local'), Type.Literal('deny')], {
      default: 'allow_local',
    }),
    /** Under allow_local, each edge admits this share of every limit on its own counters. */
    local_fallback_share: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.5 }),
    /** Most tokens an edge leases per counter in one round trip. */
    lease_size: Type.Integer({ minimum: 1, maximum: 10_000, default: 50 }),
    /** How long the edge waits for a lease before trying another instance / failing over. */
    lease_timeout_ms: Type.Integer({ minimum: 20, maximum: 10_000, default: 250 }),
  },
  { additionalProperties: false },
);
export type RateLimitsConfig = Static<typeof RateLimitsConfig>;

const check = Compile(RateLimitsConfig);
const ENDPOINT_KEY = /^(GET|POST|PUT|PATCH|DELETE) \/api\/v1(\/[^/\s]+)+$/;

/** Validates a raw `rate_limits` value; `undefined` (no section) means rate limiting is off. */
export function parseRateLimits(raw: unknown, source = 'rate_limits'): RateLimitsConfig {
  if (raw === undefined || raw === null) return Value.Default(RateLimitsConfig, { enabled: false }) as never;
  const value = Value.Default(RateLimitsConfig, structuredClone(raw));
  if (!check.Check(value)) {
    const problems = [...check.Errors(value)].map((e) => describeError(e));
    throw new ConfigError(`${source}: ${[...new Set(problems)].join('; ')}`);
  }
  const config = value as RateLimitsConfig;
  const semantic = semanticProblems(config);
  if (semantic.length > 0) throw new ConfigError(`${source}: ${semantic.join('; ')}`);
  return config;
}

/** Reads the YAML file and validates its `rate_limits:` section. */
export async function loadRateLimitConfig(path: string): Promise<RateLimitsConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return parseRateLimits(rateLimitSection(text, path), `${path}: rate_limits`);
}

/** The raw `rate_limits` value of a YAML document (undefined when absent). */
export function rateLimitSection(text: string, source: string): unknown {
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  return (doc as Record<string, unknown>).rate_limits;
}

function describeError(e: { instancePath: string; keyword: string; params: unknown; message: string }) {
  const path = ['rate_limits', ...e.instancePath.split('/').slice(1)].join('.');
  const params = (e.params ?? {}) as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    const extra = (params.additionalProperties as string[] | undefined) ?? [];
    return extra.map((k) => `${path}.${k}: is not a known key`).join('; ') || `${path}: unknown key`;
  }
  return `${path}: ${e.message}`;
}

function semanticProblems(config: RateLimitsConfig): string[] {
  const problems: string[] = [];
  const needsWindow = (path: string, spec: LimitSpec | undefined) => {
    if (spec && spec.requests_per_minute === undefined && spec.requests_per_hour === undefined)
      problems.push(`${path}: needs requests_per_minute, requests_per_hour or both`);
  };
  const endpoints = (path: string, map: Record<string, EndpointLimitSpec> | undefined) => {
    for (const [key, spec] of Object.entries(map ?? {})) {
      const where = `${path}["${key}"]`;
      if (!ENDPOINT_KEY.test(key)) problems.push(`${where}: must look like 'POST /api/v1/applications'`);
      else if (!matchesAnyRoute(key)) problems.push(`${where}: matches no route of /api/v1`);
      needsWindow(where, spec);
    }
  };
  for (const scope of ['global', 'per_user', 'per_tenant', 'unauthenticated'] as const)
    needsWindow(`rate_limits.${scope}`, config[scope]);
  config.trusted_proxies.forEach((entry, i) => {
    if (!isAddressOrRange(entry))
      problems.push(`rate_limits.trusted_proxies[${i}]: '${entry}' is not an IP address or CIDR range`);
  });
  endpoints('rate_limits.by_endpoint', config.by_endpoint);
  for (const [tier, spec] of Object.entries(config.tiers)) {
    needsWindow(`rate_limits.tiers.${tier}.per_user`, spec.per_user);
    needsWindow(`rate_limits.tiers.${tier}.per_tenant`, spec.per_tenant);
    endpoints(`rate_limits.tiers.${tier}.by_endpoint`, spec.by_endpoint);
  }
  for (const [tenant, tier] of Object.entries(config.tenants)) {
    if (!config.tiers[tier]) problems.push(`rate_limits.tenants.${tenant}: unknown tier '${tier}'`);
  }
  if (config.default_tier && !config.tiers[config.default_tier])
    problems.push(`rate_limits.default_tier: unknown tier '${config.default_tier}'`);
  return problems;
}

/** `10.0.0.7`, `10.0.0.0/8`, `fd00::/8`: an address, or one with a prefix length that fits it. */
export function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

/** `PUT /api/v1/applications/* /desired-state` against the route table (`:id` matches anything). */
function matchesAnyRoute(key: string): boolean {
  const [method, path] = key.split(' ') as [string, string];
  const wanted = path.slice('/api/v1'.length).split('/');
  return (Routes as readonly RouteDef[]).some((route) => {
    if (route.method !== method) return false;
    const have = route.path.split('/');
    return (
      have.length === wanted.length &&
      have.every((seg, i) => seg === wanted[i] || seg.startsWith(':') || wanted[i] === '*')
    );
  });
}
