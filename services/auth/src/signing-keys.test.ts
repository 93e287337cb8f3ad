// The service-account signing key at rest: sealed in the KV entry, unreadable with another key, and a
// key stored in clear by an earlier version is sealed on first read (same kid, so tokens stay valid).
import { ConfigError } from '@idp/config';
import { connectNats } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importEncryptionKey, unseal } from './key-encryption.js';
import { CURRENT_KEY, loadSigningKey } from './signing-keys.js';

const logger = createLogger({ service: 'signing-keys-test', level: 'silent' });
const newKey = () => importEncryptionKey(crypto.getRandomValues(new Uint8Array(32)));

let server: NatsServerHandle;
let nc: NatsConnection;
let bucket = 0;
beforeAll(async () => {
  // An open server: this is about what lands in the bucket, not about who may read it.
  server = await startNatsServer({ auth: false });
  nc = await connectNats({ servers: server.url, name: 'signing-keys-test', logger });
});
afterAll(async () => {
  await nc?.close();
  await server?.cleanup();
});
const freshBucket = (): Promise<KV> => new Kvm(nc).create(`SIGNING_KEYS_TEST_${++bucket}`, { history: 1 });
const storedText = async (kv: KV) => new TextDecoder().decode((await kv.get(CURRENT_KEY))!.value);

describe('the stored signing key', () => {
  it('holds no private key material in clear', async () => {
    const kv = await freshBucket();
    const key = await newKey();
    const loaded = await loadSigningKey(kv, key, logger);
    const text = await storedText(kv);
    const stored = JSON.parse(text);
    expect(stored).toMatchObject({ kid: loaded.kid, sealed_private_jwk: { alg: 'A256GCM' } });
    // The private JWK, as only the holder of the encryption key can recover it:
    const privateJwk = JSON.parse(
      new TextDecoder().decode(await unseal(key, stored.sealed_private_jwk, stored.kid)),
    );
    expect(privateJwk.d).toMatch(/^[\w-]{40,}$/);
    expect(text).not.toContain('"d"');
    expect(text).not.toContain(privateJwk.d);
  });

  it('is the same key for a second instance with the same encryption key', async () => {
    const kv = await freshBucket();
    const key = await newKey();
    const first = await loadSigningKey(kv, key, logger);
    const second = await loadSigningKey(kv, key, logger);
    expect(second.kid).toBe(first.kid);
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'EdDSA' }).sign(second.privateKey);
    expect(token.split('.')).toHaveLength(3);
  });

  it('fails start with a ConfigError naming IDP_AUTH_ENCRYPTION_KEY under another key', async () => {
    const kv = await freshBucket();
    await loadSigningKey(kv, await newKey(), logger);
    const wrong = loadSigningKey(kv, await newKey(), logger);
    await expect(wrong).rejects.toBeInstanceOf(ConfigError);
    await expect(loadSigningKey(kv, await newKey(), logger)).rejects.toThrow(
      /^IDP_AUTH_ENCRYPTION_KEY: cannot decrypt the stored service-account signing key/,
    );
  });

  it('reads a key an earlier version stored in clear, then stores it sealed under the same kid', async () => {
    const kv = await freshBucket();
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const public_jwk = await exportJWK(publicKey);
    const private_jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(public_jwk);
    await kv.create(
      CURRENT_KEY,
      JSON.stringify({ kid, private_jwk, public_jwk, created_at: new Date().toISOString() }),
    );
    const key = await newKey();
    const migrated = await loadSigningKey(kv, key, logger);
    expect(migrated.kid).toBe(kid);
    const text = await storedText(kv);
    expect(text).not.toContain(private_jwk.d!);
    expect(JSON.parse(text)).toMatchObject({ kid, sealed_private_jwk: { alg: 'A256GCM' } });
    expect((await loadSigningKey(kv, key, logger)).kid).toBe(kid);
  });
});
