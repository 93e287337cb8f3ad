// The gateway config of the chaos lane: config/gateway.yaml with two rate-limit tiers, so the load's
// tenants are never limited (their errors must come from the fault alone) while every other tenant
// has a small hourly per-tenant limit a probe can run over during a fault.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const root = new URL('../../', import.meta.url).pathname;

/** Requests per hour per tenant of the `tight` tier (every tenant not listed as load). */
export const TIGHT_LIMIT_PER_HOUR = 30;
const GENEROUS = 1_000_000;

export interface ChaosConfig {
  path: string;
  /** rate_limits.local_fallback_share: what each edge admits alone when the counters are unreachable. */
  localFallbackShare: number;
}

export async function writeChaosConfig(loadTenants: string[]): Promise<ChaosConfig> {
  const config = parse(await readFile(`${root}config/gateway.yaml`, 'utf8'));
  const limits = config.rate_limits;
  limits.tiers = {
    ...limits.tiers,
    load: {
      per_user: { requests_per_minute: GENEROUS },
      per_tenant: { requests_per_minute: GENEROUS },
      by_endpoint: {
        'POST /api/v1/applications': { requests_per_hour: GENEROUS },
        'PUT /api/v1/applications/*/desired-state': { requests_per_hour: GENEROUS },
      },
    },
    tight: { per_tenant: { requests_per_hour: TIGHT_LIMIT_PER_HOUR } },
  };
  limits.tenants = Object.fromEntries(loadTenants.map((tenant) => [tenant, 'load']));
  limits.default_tier = 'tight';
  // Quotas follow the same tier names: the load creates applications steadily.
  config.quotas.tiers = { ...config.quotas.tiers, load: config.quotas.default, tight: config.quotas.default };
  const dir = await mkdtemp(join(tmpdir(), 'idp-chaos-config-'));
  const path = join(dir, 'gateway.yaml');
  await writeFile(path, stringify(config));
  return { path, localFallbackShare: limits.local_fallback_share ?? 0.5 };
}
