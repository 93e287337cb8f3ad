// What each tier may provision, per resource type. Enterprise may use anything; pro anything but 'xl';
// free is limited to small, single-node resources.
import { ApiError, type ResourceType } from '@idp/contracts';

type Tier = 'free' | 'pro' | 'enterprise';
type Spec = Record<string, unknown>;

export interface TierViolation {
  field: string;
  reason: string;
}

type Rule = (spec: Spec, tier: Tier) => TierViolation | undefined;

const allowedValue =
  (key: string, label: string, allowed: readonly unknown[]): Rule =>
  (spec, tier) =>
    spec[key] !== undefined && !allowed.includes(spec[key])
      ? { field: `spec.${key}`, reason: `${label} '${String(spec[key])}' is not allowed for ${tier} tier` }
      : undefined;

const maxNumber =
  (key: string, label: string, max: number, unit = ''): Rule =>
  (spec, tier) =>
    typeof spec[key] === 'number' && spec[key] > max
      ? {
          field: `spec.${key}`,
          reason: `${label} ${spec[key]}${unit} exceeds the ${tier} tier limit of ${max}${unit}`,
        }
      : undefined;

const notEnabled =
  (key: string, label: string): Rule =>
  (spec, tier) =>
    spec[key] === true
      ? { field: `spec.${key}`, reason: `${label} is not available on the ${tier} tier` }
      : undefined;

const NO_XL = ['s', 'm', 'l'] as const;

export const TIER_RULES: Record<ResourceType, Record<Tier, Rule[]>> = {
  database: {
    free: [
      allowedValue('size', 'Size', ['s', 'm']),
      maxNumber('storage_gb', 'Storage', 20, ' GB'),
      notEnabled('high_availability', 'High availability'),
    ],
    pro: [allowedValue('size', 'Size', NO_XL)],
    enterprise: [],
  },
  cache: {
    free: [allowedValue('size', 'Size', ['s']), maxNumber('replicas', 'Replicas', 0)],
    pro: [allowedValue('size', 'Size', NO_XL)],
    enterprise: [],
  },
  ci_pipeline: {
    free: [allowedValue('runner_size', 'Runner size', ['s'])],
    pro: [allowedValue('runner_size', 'Runner size', NO_XL)],
    enterprise: [],
  },
  git_repository: {
    free: [allowedValue('visibility', 'Visibility', ['private', 'public'])],
    pro: [],
    enterprise: [],
  },
};

/** The first rule the spec breaks for its tier, if any. */
export function checkTier(type: ResourceType, tier: Tier, spec: Spec): TierViolation | undefined {
  for (const rule of TIER_RULES[type][tier]) {
    const violation = rule(spec, tier);
    if (violation) return violation;
  }
  return undefined;
}

/** Throws the 400 a client sees for a tier violation (spec §3.3.2). */
export function assertTier(type: ResourceType, tier: Tier, spec: Spec): void {
  const violation = checkTier(type, tier, spec);
  if (violation) throw new ApiError('VALIDATION_ERROR', violation.reason, { ...violation });
}
