import { DEV_JWT_SECRET } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { assertSafeSecrets, ConfigError, DEV_AUTH_ENCRYPTION_KEY, weakSecretReason } from './index.js';

const production = (secret?: string) => () =>
  assertSafeSecrets({ NODE_ENV: 'production', IDP_JWT_SECRET: secret });
const refused = (secret: string) => {
  expect(production(secret)).toThrow(ConfigError);
  expect(production(secret)).toThrow(/^IDP_JWT_SECRET: /);
};

describe('the production secret guard', () => {
  it('refuses the development secret', () => refused(DEV_JWT_SECRET));

  it('refuses the placeholder the Kubernetes manifests once shipped', () =>
    refused('change-me-to-a-long-random-secret-of-32-bytes-or-more'));

  it('refuses the development encryption key', () => refused(DEV_AUTH_ENCRYPTION_KEY));

  it.each([
    'please-changeme-0123456789abcdefghijkl',
    'CHANGE_ME_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c',
    'an-example-secret-0123456789abcdefghijkl',
    'placeholder-7f3a9c2e1b4d6f8a0c2e4b6d8f0a2c4e',
    'replace-me-with-a-real-secret-0123456789ab',
  ])('refuses a placeholder: %s', (secret) => refused(secret));

  it('refuses a secret shorter than 32 bytes', () => {
    refused('Kq9#vT2!mZ7@xR4$wL8%pN3^bY6&cF1');
    expect(weakSecretReason('Kq9#vT2!mZ7@xR4$wL8%pN3^bY6&cF1')).toMatch(/shorter than 32 bytes/);
  });

  it('refuses a long secret with almost no variety', () => refused('x'.repeat(64)));

  it('never echoes the refused value', () => {
    expect(production(DEV_JWT_SECRET)).not.toThrow(DEV_JWT_SECRET);
  });

  it('accepts a random secret of 32 bytes or more', () => {
    expect(production('3q2+7wXk9PzL0mN5bV8cR1tY4uI6oA2sD/fG7hJ0kL=')).not.toThrow();
    expect(weakSecretReason('3q2+7wXk9PzL0mN5bV8cR1tY4uI6oA2sD/fG7hJ0kL=')).toBeUndefined();
  });

  it('accepts an unset secret in production: HS256 is then off', () => {
    expect(production(undefined)).not.toThrow();
  });

  it('lets development run on the development secret', () => {
    expect(() =>
      assertSafeSecrets({ NODE_ENV: 'development', IDP_JWT_SECRET: DEV_JWT_SECRET }),
    ).not.toThrow();
  });
});
