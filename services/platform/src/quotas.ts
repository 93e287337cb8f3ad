// Per-tenant quotas (spec §5.3, issue #4): how many applications, resources and teams a tenant may
// own and the highest resource tier it may create, by the tenant's tier. Checked against the
// caught-up read model: creates racing on several instances can exceed a count by at most the number
// of creates in flight at that moment, which the quota endpoint then shows.

import type { QuotaSpec } from '@idp/config';
import { ApiError, type RpcRequest } from '@idp/contracts';
import type { Deps } from './deps.js';
import { type Handler, ok, tenantOf } from './handler-kit.js';

export type QuotaLookup = (tenant: string) => { tier: string | null; quota: QuotaSpec };
export const NO_QUOTAS: QuotaLookup = () => ({ tier: null, quota: {} });

type Counted = 'applications' | 'resources' | 'teams';
const RESOURCE_TIERS = ['free', 'pro', 'enterprise'] as const;

export function usage(deps: Pick<Deps, 'projection'>, tenant: string): Record<Counted, number> {
  const model = deps.projection.model;
  return {
    applications: model.applications.list(tenant).filter((a) => !a.deleted).length,
    resources: model.resources.list(tenant).filter((r) => r.status !== 'deleted').length,
    teams: model.teams.list(tenant).length,
  };
}

/** Refuses a create that would take the tenant past its quota of `what`. */
export function assertQuota(req: RpcRequest, deps: Pick<Deps, 'projection' | 'quotas'>, what: Counted): void {
  const tenant = tenantOf(req);
  const { tier, quota } = deps.quotas(tenant);
  const limit = quota[what];
  if (limit === undefined) return;
  const used = usage(deps, tenant)[what];
  if (used >= limit) {
    throw new ApiError('QUOTA_EXCEEDED', `The tenant's quota of ${limit} ${what} is used up`, {
      quota: what,
      limit,
      used,
      tier,
    });
  }
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
  const used = usage(deps, tenant);
  const entry = (what: Counted) => ({ used: used[what], limit: quota[what] ?? null });
  return ok({
    tenant_id: tenant,
    tier,
    applications: entry('applications'),
    resources: entry('resources'),
    teams: entry('teams'),
    max_resource_tier: quota.max_resource_tier ?? null,
  });
};
