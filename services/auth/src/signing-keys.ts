// The auth service's own signing key (EdDSA) for service-account tokens. All instances share one key
// through the credentials bucket: the first to start creates it, the others read it. The private half
// is stored sealed with IDP_AUTH_ENCRYPTION_KEY (key-encryption.ts); a key stored in clear by an
// earlier version is sealed and written back the first time it is read.

import { ConfigError } from '@idp/config';
import type { Logger } from '@idp/observability';
import type { KV } from '@nats-io/kv';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { type Sealed, seal, unseal } from './key-encryption.js';

export const CURRENT_KEY = 'signing-key.current';

/** As stored: the private JWK only sealed, under the kid as associated data (no swapping entries). */
interface StoredKeyPair {
  kid: string;
  public_jwk: JWK;
  sealed_private_jwk: Sealed;
  created_at: string;
}

/** As versions before the encryption stored it: the private JWK in clear. */
interface LegacyKeyPair {
  kid: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: string;
}

interface KeyPair {
  kid: string;
  private_jwk: JWK;
  public_jwk: JWK;
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The JWKS document this service publishes (`GET /api/v1/auth/jwks.json`). */
  jwks: { keys: JWK[] };
}

/** Another instance may write the entry between our read and our write; this many rounds is plenty. */
const MAX_ROUNDS = 5;

export async function loadSigningKey(kv: KV, encryptionKey: CryptoKey, logger: Logger): Promise<SigningKey> {
  const pair = await currentKeyPair(kv, encryptionKey, logger);
  const privateKey = (await importJWK(pair.private_jwk, 'EdDSA')) as CryptoKey;
  return {
    kid: pair.kid,
    privateKey,
    jwks: { keys: [{ ...pair.public_jwk, kid: pair.kid, alg: 'EdDSA', use: 'sig' }] },
  };
}

async function currentKeyPair(kv: KV, encryptionKey: CryptoKey, logger: Logger): Promise<KeyPair> {
  let lastError: unknown;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const entry = await kv.get(CURRENT_KEY);
    if (entry?.operation !== 'PUT') {
      // A failed create is most often another instance's create winning: read theirs next round,
      // so every instance signs with the same key.
      const pair = await createKey(kv, encryptionKey).catch((error) => {
        lastError = error;
      });
      if (pair) return pair;
      continue;
    }
    const stored = entry.json<StoredKeyPair | LegacyKeyPair>();
    if ('sealed_private_jwk' in stored) return openStored(stored, encryptionKey);
    try {
      // Only if nobody changed the entry since we read it (compare-and-set on the revision).
      await kv.update(CURRENT_KEY, await sealPair(stored, encryptionKey), entry.revision);
      logger.info({ kid: stored.kid }, 'the service-account signing key was stored in clear: now encrypted');
      return stored;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error('could not create or read the service-account signing key', { cause: lastError });
}

async function openStored(stored: StoredKeyPair, encryptionKey: CryptoKey): Promise<KeyPair> {
  let plaintext: Uint8Array;
  try {
    plaintext = await unseal(encryptionKey, stored.sealed_private_jwk, stored.kid);
  } catch {
    throw new ConfigError(
      `IDP_AUTH_ENCRYPTION_KEY: cannot decrypt the stored service-account signing key (kid ${stored.kid}); ` +
        'it was stored under another key. Start with the key it was stored with, or delete the entry ' +
        `'${CURRENT_KEY}' to make a new signing key (tokens signed with the old one stop working)`,
    );
  }
  return {
    kid: stored.kid,
    public_jwk: stored.public_jwk,
    private_jwk: JSON.parse(new TextDecoder().decode(plaintext)),
  };
}

async function sealPair(pair: KeyPair & { created_at: string }, encryptionKey: CryptoKey) {
  const stored: StoredKeyPair = {
    kid: pair.kid,
    public_jwk: pair.public_jwk,
    sealed_private_jwk: await seal(
      encryptionKey,
      new TextEncoder().encode(JSON.stringify(pair.private_jwk)),
      pair.kid,
    ),
    created_at: pair.created_at,
  };
  return JSON.stringify(stored);
}

/** Creates and stores a new key pair; rejects when an entry exists (or the bucket refuses the write). */
async function createKey(kv: KV, encryptionKey: CryptoKey): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const public_jwk = await exportJWK(publicKey);
  const pair = {
    kid: await calculateJwkThumbprint(public_jwk),
    private_jwk: await exportJWK(privateKey),
    public_jwk,
    created_at: new Date().toISOString(),
  };
  await kv.create(CURRENT_KEY, await sealPair(pair, encryptionKey));
  return pair;
}
