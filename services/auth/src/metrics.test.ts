import { ApiError, type Principal } from '@idp/contracts';
import { Registry } from '@idp/service-kit';
import { describe, expect, it } from 'vitest';
import { createAuthMetrics } from './metrics.js';

const principal: Principal = { sub: 'u1', tenant_id: 't1', roles: [], credential: 'api_key' };

async function samples(registry: Registry) {
  const values = (await registry.getSingleMetric('idp_auth_authentications_total')!.get()).values;
  return values.map((v) => ({ ...v.labels, value: v.value }));
}

describe('auth metrics', () => {
  it('counts each authentication by what was presented, the credential kind and the refusal reason', async () => {
    const registry = new Registry();
    const metrics = createAuthMetrics(registry, { mirroredCredentials: () => 3 });
    const authenticate = metrics.counted(async (body) => {
      if ((body as { bearer?: string }).bearer === 'expired')
        throw new ApiError('UNAUTHENTICATED', 'The token has expired', { reason: 'expired' });
      if ((body as { bearer?: string }).bearer === 'odd')
        throw new ApiError('UNAUTHENTICATED', 'odd', { reason: 'Not A Code: tenant t1' });
      return principal;
    });
    await authenticate({ api_key: 'k' });
    await expect(authenticate({ bearer: 'expired' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticate({ bearer: 'odd' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await samples(registry)).toEqual([
      { presented: 'api_key', credential: 'api_key', outcome: 'ok', reason: '', value: 1 },
      { presented: 'bearer', credential: '', outcome: 'refused', reason: 'expired', value: 1 },
      // A reason that is not one of our short codes never becomes a label value.
      { presented: 'bearer', credential: '', outcome: 'refused', reason: 'other', value: 1 },
    ]);
    expect(await registry.metrics()).toMatch(/^idp_auth_credential_mirror_entries 3$/m);
  });
});
