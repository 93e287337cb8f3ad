// Encrypts what the auth service keeps secret at rest (the service-account signing key) before it
// goes into the credentials bucket: AES-256-GCM with web crypto (so it runs on Deno too), under
// IDP_AUTH_ENCRYPTION_KEY. Whoever reads the bucket without that key learns no private key.
import { assertProductionSecret, ConfigError, DEV_AUTH_ENCRYPTION_KEY } from '@idp/config';

const KEY_BYTES = 32;
const IV_BYTES = 12;

/** A sealed value as stored: base64url of the 96-bit nonce and of ciphertext + 128-bit tag. */
export interface Sealed {
  alg: 'A256GCM';
  iv: string;
  ciphertext: string;
}

export interface EncryptionKeySetting {
  raw: Uint8Array;
  /** The published development key is in use (IDP_AUTH_ENCRYPTION_KEY unset outside production). */
  development: boolean;
}

const GENERATE_HINT = 'the base64 of 32 random bytes, e.g. `openssl rand -base64 32`';

/**
 * The key from IDP_AUTH_ENCRYPTION_KEY: required with NODE_ENV=production (and never the development
 * key there); outside production the development key stands in when it is unset.
 */
export function encryptionKeyFromEnv(env: {
  NODE_ENV: string;
  IDP_AUTH_ENCRYPTION_KEY?: string | undefined;
}): EncryptionKeySetting {
  const production = env.NODE_ENV === 'production';
  const value = env.IDP_AUTH_ENCRYPTION_KEY?.trim();
  const developmentKey = decodeBase64(DEV_AUTH_ENCRYPTION_KEY)!;
  if (!value) {
    if (production)
      throw new ConfigError(`IDP_AUTH_ENCRYPTION_KEY: required with NODE_ENV=production (${GENERATE_HINT})`);
    return { raw: developmentKey, development: true };
  }
  const raw = decodeBase64(value);
  if (raw?.length !== KEY_BYTES) throw new ConfigError(`IDP_AUTH_ENCRYPTION_KEY: must be ${GENERATE_HINT}`);
  const development = sameBytes(raw, developmentKey);
  if (production && development)
    throw new ConfigError(
      'IDP_AUTH_ENCRYPTION_KEY: is the development key published in this repository; ' +
        `NODE_ENV=production needs ${GENERATE_HINT}`,
    );
  assertProductionSecret('IDP_AUTH_ENCRYPTION_KEY', value, env.NODE_ENV);
  return { raw, development };
}

export function importEncryptionKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', toBuffer(raw), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** Encrypts `plaintext`, bound to `context` (authenticated, not stored): it opens only with the same. */
export async function seal(key: CryptoKey, plaintext: Uint8Array, context: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) },
    key,
    toBuffer(plaintext),
  );
  return { alg: 'A256GCM', iv: toBase64Url(iv), ciphertext: toBase64Url(new Uint8Array(ciphertext)) };
}

/** Decrypts a sealed value; rejects when the key or the context differs, or the value was altered. */
export async function unseal(key: CryptoKey, sealed: Sealed, context: string): Promise<Uint8Array> {
  const iv = decodeBase64(sealed.iv);
  const ciphertext = decodeBase64(sealed.ciphertext);
  if (sealed.alg !== 'A256GCM' || iv?.length !== IV_BYTES || !ciphertext)
    throw new Error('not a sealed value this service can read');
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: toBuffer(iv), additionalData: new TextEncoder().encode(context) },
    key,
    toBuffer(ciphertext),
  );
  return new Uint8Array(plaintext);
}

/** Standard or URL-safe base64, padded or not; `undefined` when it is not base64. */
function decodeBase64(text: string): Uint8Array | undefined {
  const standard = text.replaceAll('-', '+').replaceAll('_', '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard)) return undefined;
  try {
    return Uint8Array.from(atob(standard), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** A copy on a plain ArrayBuffer, which every web crypto implementation accepts. */
function toBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}
