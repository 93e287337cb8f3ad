// Per-tenant quotas (spec §5.3, issue #4): how many applications, resources and teams a tenant may
// own and the highest resource tier it may create, by the tenant's tier. A tenant uses what it has
// stored plus the creates in flight that reserved a slot (commands/quota-slot.ts). The check here
// against the read model only refuses early; what makes a count exact under racing creates is the
// reservation, a compare-and-set append on the tenant's quota aggregate.

import { ApiError, type RpcRequest } from '@idp/contracts';
import type { NamedKind } from './aggregates/name-claim.js';
import { inFlight } from './aggregates/quota-reservation.js';
import type { Deps } from './deps.js';
import { type Handler, ok, tenantOf } from './handler-kit.js';

export type Counted = 'applications' | 'resources' | 'teams';
export const COUNTED_KIND: Record<Counted, NamedKind> = {
  applications: 'application',
  resources: 'resource',
  teams: 'team',
};
export const COUNTED_AS: Record<NamedKind, Counted> = {
  application: 'applications',
  resource: 'resources',
  team: 'teams',
};
const RESOURCE_TIERS = ['free', 'pro', 'enterprise'] as const;

/** Stored objects of `what` plus the creates of it in flight. */
export function used(
  deps: Pick<Deps, 'projection'>,
  tenant: string,
  what: Counted,
  now = Date.now(),
): number {
  const model = deps.projection.model;
  const kind = COUNTED_KIND[what];
  const reservations = model.quotas.get(tenant, what)?.state;
  return model.live(tenant, kind).length + inFlight(reservations, model.presence(tenant, kind), now).length;
}

/** The tenant's limit of `what`, or undefined when it has none. */
export function limitOf(deps: Pick<Deps, 'quotas'>, tenant: string, what: Counted) {
  const { tier, quota } = deps.quotas(tenant);
  return { tier, limit: quota[what] };
}

/** Refuses a create that would take the tenant past its quota of `what`, as the read model sees it. */
export function assertQuota(req: RpcRequest, deps: Pick<Deps, 'projection' | 'quotas'>, what: Counted): void {
  const tenant = tenantOf(req);
  const { tier, limit } = limitOf(deps, tenant, what);
  if (limit === undefined) return;
  const inUse = used(deps, tenant, what);
  if (inUse >= limit) throw quotaExceeded(what, limit, inUse, tier);
}

export function quotaExceeded(what: Counted, limit: number, inUse: number, tier: string | null): ApiError {
  return new ApiError('QUOTA_EXCEEDED', `The tenant's quota of ${limit} ${what} is used up`, {
    quota: what,
    limit,
    used: inUse,
    tier,
  });
}

export function assertResourceTier(req: RpcRequest, deps: Pick<Deps, 'quotas'>, requested: string): void {
  const { tier, quota } = deps.quotas(tenantOf(req));
  const max = quota.max_resource_tier;
  if (max && RESOURCE_TIERS.indexOf(requested as never) > RESOURCE_TIERS.indexOf(max)) {
    throw new ApiError(
      'QUOTA_EXCEEDED',
      `Resources of tier '${requested}' are above this tenant's plan (at most '${max}')`,
      {
        quota: 'max_resource_tier',
        limit: max,
        requested,
        tier,
      },
    );
  }
}

/** GET /api/v1/quotas: usage against quota for the caller's tenant. */
export const getQuotas: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const tenant = tenantOf(req);
  const { tier, quota } = deps.quotas(tenant);
  const entry = (what: Counted) => ({ used: used(deps, tenant, what), limit: quota[what] ?? null });
  return ok({
    tenant_id: tenant,
    tier,
    applications: entry('applications'),
    resources: entry('resources'),
    teams: entry('teams'),
    max_resource_tier: quota.max_resource_tier ?? null,
  });
};
