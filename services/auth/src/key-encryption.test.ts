import { ConfigError, DEV_AUTH_ENCRYPTION_KEY } from '@idp/config';
import { describe, expect, it } from 'vitest';
import { encryptionKeyFromEnv, importEncryptionKey, seal, unseal } from './key-encryption.js';

const randomKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const keyOf = (value: string) =>
  importEncryptionKey(encryptionKeyFromEnv({ NODE_ENV: 'production', IDP_AUTH_ENCRYPTION_KEY: value }).raw);

describe('IDP_AUTH_ENCRYPTION_KEY', () => {
  it('is required with NODE_ENV=production', () => {
    expect(() => encryptionKeyFromEnv({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => encryptionKeyFromEnv({ NODE_ENV: 'production' })).toThrow(
      /^IDP_AUTH_ENCRYPTION_KEY: required with NODE_ENV=production/,
    );
  });

  it('refuses the development key in production', () => {
    expect(() =>
      encryptionKeyFromEnv({ NODE_ENV: 'production', IDP_AUTH_ENCRYPTION_KEY: DEV_AUTH_ENCRYPTION_KEY }),
    ).toThrow(/^IDP_AUTH_ENCRYPTION_KEY: is the development key/);
  });

  it('refuses a value that is not the base64 of 32 bytes, and an all-zero key in production', () => {
    for (const bad of ['not base64!', btoa('x'.repeat(16)), btoa('y'.repeat(33))])
      expect(() => encryptionKeyFromEnv({ NODE_ENV: 'development', IDP_AUTH_ENCRYPTION_KEY: bad })).toThrow(
        /^IDP_AUTH_ENCRYPTION_KEY: must be the base64 of 32 random bytes/,
      );
    expect(() =>
      encryptionKeyFromEnv({ NODE_ENV: 'production', IDP_AUTH_ENCRYPTION_KEY: btoa('\0'.repeat(32)) }),
    ).toThrow(/^IDP_AUTH_ENCRYPTION_KEY: has too few distinct characters/);
  });

  it('falls back to the development key outside production, and says so', () => {
    const setting = encryptionKeyFromEnv({ NODE_ENV: 'development' });
    expect(setting.development).toBe(true);
    expect(setting.raw).toHaveLength(32);
  });

  it('accepts a random key in production (with a trailing newline, as key files have)', () => {
    const setting = encryptionKeyFromEnv({
      NODE_ENV: 'production',
      IDP_AUTH_ENCRYPTION_KEY: `${randomKey()}\n`,
    });
    expect(setting.development).toBe(false);
    expect(setting.raw).toHaveLength(32);
  });
});

describe('sealing', () => {
  const plaintext = new TextEncoder().encode('{"d":"private"}');

  it('round-trips, with fresh nonces and no plaintext in the sealed form', async () => {
    const key = await keyOf(randomKey());
    const a = await seal(key, plaintext, 'kid-1');
    const b = await seal(key, plaintext, 'kid-1');
    expect(a.iv).not.toBe(b.iv);
    expect(JSON.stringify(a)).not.toContain('private');
    expect(new TextDecoder().decode(await unseal(key, a, 'kid-1'))).toBe('{"d":"private"}');
  });

  it('refuses another key, another context and an altered ciphertext', async () => {
    const key = await keyOf(randomKey());
    const sealed = await seal(key, plaintext, 'kid-1');
    await expect(unseal(await keyOf(randomKey()), sealed, 'kid-1')).rejects.toThrow();
    await expect(unseal(key, sealed, 'kid-2')).rejects.toThrow();
    const flipped = sealed.ciphertext.startsWith('A')
      ? `B${sealed.ciphertext.slice(1)}`
      : `A${sealed.ciphertext.slice(1)}`;
    await expect(unseal(key, { ...sealed, ciphertext: flipped }, 'kid-1')).rejects.toThrow();
  });
});
