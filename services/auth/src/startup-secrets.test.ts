// With NODE_ENV=production the auth process refuses to start on a weak or missing secret, naming the
// variable, before it connects to anything (so no NATS server is needed here).
import { DEV_JWT_SECRET } from '@idp/contracts';
import { startServiceProcess } from '@idp/testing';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const GOOD_SECRET = 'pV3q8Zk1xR7mW2tY9cN4bH6jL0sD5fG8aQ1eU7iO3rT=';
const GOOD_KEY = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

const startInProduction = (env: Record<string, string>) =>
  startServiceProcess({
    name: 'auth-production',
    entry: `${root}services/auth/src/main.ts`,
    // Nothing listens there: the secret checks must fail before the first connection attempt.
    env: {
      NODE_ENV: 'production',
      NATS_URL: 'nats://127.0.0.1:1',
      IDP_CONFIG: `${root}config/gateway.yaml`,
      ...env,
    },
    readyTimeoutMs: 15_000,
  });

describe('the auth service with NODE_ENV=production', () => {
  it('refuses to start on the development JWT secret', async () => {
    await expect(
      startInProduction({ IDP_JWT_SECRET: DEV_JWT_SECRET, IDP_AUTH_ENCRYPTION_KEY: GOOD_KEY }),
    ).rejects.toThrow(/exited \(1\)[\s\S]*IDP_JWT_SECRET: is a value published in this repository/);
  });

  it('refuses to start on a placeholder JWT secret', async () => {
    await expect(
      startInProduction({
        IDP_JWT_SECRET: 'change-me-to-a-long-random-secret-of-32-bytes-or-more',
        IDP_AUTH_ENCRYPTION_KEY: GOOD_KEY,
      }),
    ).rejects.toThrow(/IDP_JWT_SECRET: /);
  });

  it('refuses to start without IDP_AUTH_ENCRYPTION_KEY', async () => {
    await expect(startInProduction({ IDP_JWT_SECRET: GOOD_SECRET })).rejects.toThrow(
      /exited \(1\)[\s\S]*IDP_AUTH_ENCRYPTION_KEY: required with NODE_ENV=production/,
    );
  });
});
