// The `quotas:` section of config/gateway.yaml: how much a tenant may own, by the tenant's tier.
// A tenant's tier is the one rate limiting uses (`rate_limits.tenants`, `rate_limits.default_tier`),
// so a tenant is configured in one place.
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { ConfigError } from './env.js';

const Limit = Type.Integer({ minimum: 0, maximum: 10_000_000 });
const ResourceTier = Type.Union([Type.Literal('free'), Type.Literal('pro'), Type.Literal('enterprise')]);

export const QuotaSpec = Type.Object(
  {
    applications: Type.Optional(Limit),
    resources: Type.Optional(Limit),
    teams: Type.Optional(Limit),
    /** The highest resource tier (and so resource size) a tenant of this tier may create. */
    max_resource_tier: Type.Optional(ResourceTier),
  },
  { additionalProperties: false },
);
export type QuotaSpec = Static<typeof QuotaSpec>;

export const QuotasConfig = Type.Object(
  {
    /** Applies to tenants whose tier has no entry (and fills keys a tier leaves out). */
    default: Type.Optional(QuotaSpec),
    tiers: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), QuotaSpec, { default: {} }),
  },
  { additionalProperties: false },
);
export type QuotasConfig = Static<typeof QuotasConfig>;

/** What `tenantTier` needs of the rate-limit section: who is on which tier. */
export interface TierAssignment {
  tenants: Record<string, string>;
  default_tier?: string | undefined;
}

const check = Compile(QuotasConfig);

/** Validates the `quotas` value; a missing section means no quotas. */
export function parseQuotas(raw: unknown, source = 'quotas'): QuotasConfig {
  if (raw === undefined || raw === null) return { tiers: {} };
  const value = Value.Default(QuotasConfig, structuredClone(raw));
  if (!check.Check(value)) {
    const problems = [...check.Errors(value)].map(
      (e) =>
        `quotas${e.instancePath.replaceAll('/', '.')}: ${e.keyword === 'additionalProperties' ? 'unknown key' : e.message}`,
    );
    throw new ConfigError(`${source}: ${[...new Set(problems)].join('; ')}`);
  }
  return value as QuotasConfig;
}

/** The quotas and the tier assignment of an already parsed gateway config. */
export function quotaSections(
  config: Record<string, unknown>,
  source = 'gateway config',
): { quotas: QuotasConfig; tiers: TierAssignment } {
  const rateLimits = (config.rate_limits ?? {}) as Partial<TierAssignment>;
  return {
    quotas: parseQuotas(config.quotas, `${source}: quotas`),
    tiers: { tenants: rateLimits.tenants ?? {}, default_tier: rateLimits.default_tier },
  };
}

export const tenantTier = (assignment: TierAssignment, tenant: string): string | undefined =>
  assignment.tenants[tenant] ?? assignment.default_tier;

/** The quota of one tenant: its tier's entry over the default. */
export function quotaFor(
  config: QuotasConfig,
  assignment: TierAssignment,
  tenant: string,
): { tier: string | null; quota: QuotaSpec } {
  const tier = tenantTier(assignment, tenant);
  return { tier: tier ?? null, quota: { ...config.default, ...(tier ? config.tiers[tier] : {}) } };
}
