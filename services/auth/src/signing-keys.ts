// The auth service's own signing key (EdDSA) for service-account tokens. All instances share one key
// through the credentials bucket: the first to start creates it, the others read it.

import type { KV } from '@nats-io/kv';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

const CURRENT_KEY = 'signing-key.current';

interface StoredKeyPair {
  kid: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: string;
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The JWKS document this service publishes (`GET /api/v1/auth/jwks.json`). */
  jwks: { keys: JWK[] };
}

export async function loadSigningKey(kv: KV): Promise<SigningKey> {
  const stored = (await readKey(kv)) ?? (await createKey(kv));
  const privateKey = (await importJWK(stored.private_jwk, 'EdDSA')) as CryptoKey;
  return {
    kid: stored.kid,
    privateKey,
    jwks: { keys: [{ ...stored.public_jwk, kid: stored.kid, alg: 'EdDSA', use: 'sig' }] },
  };
}

async function readKey(kv: KV): Promise<StoredKeyPair | undefined> {
  const entry = await kv.get(CURRENT_KEY);
  return entry && entry.operation === 'PUT' ? entry.json<StoredKeyPair>() : undefined;
}

async function createKey(kv: KV): Promise<StoredKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const public_jwk = await exportJWK(publicKey);
  const pair: StoredKeyPair = {
    kid: await calculateJwkThumbprint(public_jwk),
    private_jwk: await exportJWK(privateKey),
    public_jwk,
    created_at: new Date().toISOString(),
  };
  try {
    await kv.create(CURRENT_KEY, JSON.stringify(pair));
    return pair;
  } catch {
    // Another instance created it first: use theirs, so every instance signs with the same key.
    const existing = await readKey(kv);
    if (!existing) throw new Error('could not create or read the service-account signing key');
    return existing;
  }
}
