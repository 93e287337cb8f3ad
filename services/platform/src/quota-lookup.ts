// Where the platform learns a tenant's quota (its tier's entry in the gateway config), kept apart from
// the quota checks in quotas.ts so the dependency container (deps.ts) can name it without a circle.
import type { QuotaSpec } from '@idp/config';

export type QuotaLookup = (tenant: string) => { tier: string | null; quota: QuotaSpec };
export const NO_QUOTAS: QuotaLookup = () => ({ tier: null, quota: {} });
