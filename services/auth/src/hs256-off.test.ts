// HS256 user tokens are accepted only when IDP_JWT_SECRET is set on purpose: unset, a token signed
// with the development secret is refused like any bad token, and the service says so once at start.
import { DEV_JWT_SECRET, RpcSubjects } from '@idp/contracts';
import { requestJson } from '@idp/nats';
import { mintToken, type ServiceProcess, startServiceProcess } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHarness, startAuthHarness } from './test-support.js';

const root = new URL('../../../', import.meta.url).pathname;
let h: AuthHarness;
let processWithoutSecret: ServiceProcess | undefined;

beforeAll(async () => {
  h = await startAuthHarness({ IDP_JWT_SECRET: '' });
});
afterAll(async () => {
  await processWithoutSecret?.stop();
  await h?.close();
});

describe('without IDP_JWT_SECRET', () => {
  it('refuses a token signed with the development secret as unauthenticated (the edge answers 401)', async () => {
    const token = await mintToken({ sub: 'alice', tenant: 'acme', secret: DEV_JWT_SECRET });
    expect(await requestJson(h.nc, RpcSubjects.authenticate, { bearer: token })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('logs once at start that HS256 is off', async () => {
    processWithoutSecret = await startServiceProcess({
      name: 'auth-without-hs256',
      entry: `${root}services/auth/src/main.ts`,
      env: { ...h.server.envFor('auth'), IDP_CONFIG: `${root}config/gateway.yaml`, IDP_JWT_SECRET: '' },
    });
    const lines = processWithoutSecret.output().split('\n');
    expect(lines.filter((line) => line.includes('HS256 user tokens are off'))).toHaveLength(1);
  });
});
