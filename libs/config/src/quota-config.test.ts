import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, parseQuotas, quotaFor, quotaSections } from './index.js';

const yaml = `
rate_limits:
  tenants: { acme: pro }
  default_tier: free
quotas:
  default: { applications: 50, resources: 100 }
  tiers:
    free: { applications: 3, max_resource_tier: free }
    pro: { resources: 1000 }
`;

describe('quotas', () => {
  it('gives each tenant its tier’s quota over the default', () => {
    const { quotas, tiers } = quotaSections(parse(yaml), 'test');
    expect(quotaFor(quotas, tiers, 'acme')).toEqual({
      tier: 'pro',
      quota: { applications: 50, resources: 1000 },
    });
    expect(quotaFor(quotas, tiers, 'newco')).toEqual({
      tier: 'free',
      quota: { applications: 3, resources: 100, max_resource_tier: 'free' },
    });
  });

  it('means no quota when the section is absent', () => {
    expect(parseQuotas(undefined)).toEqual({ tiers: {} });
  });

  it('names a bad key', () => {
    expect(() => parseQuotas({ tiers: { free: { apps: 3 } } })).toThrow(ConfigError);
    expect(() => parseQuotas({ default: { applications: -1 } })).toThrow(/quotas\.default\.applications/);
  });
});
