// Decides whether a secret may be used in production (design.md §9): the one place every service
// asks. Refused: anything published in this repository (development values and placeholders, now or
// in its history), values that read like placeholders, and values too short or too uniform to guess
// hard. The refusal names the variable, never the value.
import { DEV_JWT_SECRET } from '@idp/contracts';
import { ConfigError } from './env.js';

/**
 * The auth service's development encryption key (base64 of the 32 bytes
 * `idp-development-key-not-a-secret`): used when IDP_AUTH_ENCRYPTION_KEY is unset outside production.
 */
export const DEV_AUTH_ENCRYPTION_KEY = 'aWRwLWRldmVsb3BtZW50LWtleS1ub3QtYS1zZWNyZXQ=';

/** Values this repository has published; anyone who can read it knows them. */
const PUBLISHED_VALUES = [
  DEV_JWT_SECRET,
  DEV_AUTH_ENCRYPTION_KEY,
  'idp-development-key-not-a-secret',
  // k8s/kustomization.yaml's secretGenerator literal until the manifests stopped shipping secrets.
  'change-me-to-a-long-random-secret-of-32-bytes-or-more',
];

/** A value containing one of these was typed from an example, not generated. */
const PLACEHOLDER_WORDS = [
  'change-me',
  'change_me',
  'changeme',
  'example',
  'placeholder',
  'replace-me',
  'replaceme',
  'your-secret',
  'do-not-use',
  'not-a-secret',
  'insecure',
];

export const MIN_SECRET_BYTES = 32;
/** Fewer distinct characters than this (`aaaa…`, `0000…`) is no secret, whatever its length. */
const MIN_DISTINCT_CHARACTERS = 8;

/** Why `value` must not be used as a production secret, or `undefined` when it may be. */
export function weakSecretReason(value: string): string | undefined {
  const lower = value.toLowerCase();
  if (PUBLISHED_VALUES.some((published) => published.toLowerCase() === lower))
    return 'is a value published in this repository';
  const word = PLACEHOLDER_WORDS.find((w) => lower.includes(w));
  if (word) return `looks like a placeholder (contains '${word}')`;
  if (new TextEncoder().encode(value).length < MIN_SECRET_BYTES)
    return `is shorter than ${MIN_SECRET_BYTES} bytes`;
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS) return 'has too few distinct characters to be random';
  return undefined;
}

/** With NODE_ENV=production, refuses a set secret that `weakSecretReason` rejects. */
export function assertProductionSecret(name: string, value: string | undefined, nodeEnv: string): void {
  if (nodeEnv !== 'production' || value === undefined) return;
  const reason = weakSecretReason(value);
  if (reason)
    throw new ConfigError(
      `${name}: ${reason}; NODE_ENV=production needs a random secret of at least ${MIN_SECRET_BYTES} bytes ` +
        '(e.g. `openssl rand -base64 48`)',
    );
}

/** The JWT secret check every service holding IDP_JWT_SECRET runs before it starts. */
export function assertSafeSecrets(env: { NODE_ENV: string; IDP_JWT_SECRET?: string | undefined }): void {
  assertProductionSecret('IDP_JWT_SECRET', env.IDP_JWT_SECRET, env.NODE_ENV);
}
