// The auth service's environment, read once at start.
import { CommonEnv, JwtEnv, readEnv } from '@idp/config';
import Type, { type Static } from 'typebox';

export const AuthEnv = Type.Object({
  ...CommonEnv,
  ...JwtEnv,
  /** Seconds of clock difference tolerated on `exp` and `nbf`. */
  IDP_JWT_CLOCK_SKEW_S: Type.Integer({ minimum: 0, maximum: 300, default: 30 }),
  /** An OpenID Connect issuer (e.g. https://login.example.com/realms/acme): enables SSO tokens. */
  IDP_OIDC_ISSUER: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** The audience SSO tokens must carry; defaults to IDP_JWT_AUDIENCE. */
  IDP_OIDC_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  /** At most one JWKS refetch per this many ms when a token names an unknown key (rotation). */
  IDP_OIDC_JWKS_COOLDOWN_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 30_000 }),
  /** `iss` of the service-account tokens this service signs. */
  IDP_SERVICE_TOKEN_ISSUER: Type.String({ minLength: 1, default: 'idp-auth' }),
  /** Lifetime of a service-account token when the request names none. */
  IDP_SERVICE_TOKEN_TTL_S: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  /** Seed file of the NATS account's publisher signing key: enables `…/nats-credentials` (design.md §9). */
  IDP_NATS_PUBLISHER_SEED_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Base64 of 32 bytes: encrypts the service-account signing key in the credentials bucket. Required
   * with NODE_ENV=production; elsewhere a published development key stands in (key-encryption.ts).
   */
  IDP_AUTH_ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Oldest accepted bearer token, counted from its (required) `iat`, whatever its `exp` says. */
  IDP_JWT_MAX_AGE_S: Type.Integer({ minimum: 60, maximum: 30 * 86_400, default: 86_400 }),
  /** Longest lifetime of an API key; keys created without `expires_at` get exactly this. */
  IDP_API_KEY_MAX_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 90 }),
  /** Most API keys one tenant may hold (403 QUOTA_EXCEEDED beyond). */
  IDP_MAX_API_KEYS_PER_TENANT: Type.Integer({ minimum: 1, maximum: 100_000, default: 500 }),
  /** Most service accounts one tenant may hold (403 QUOTA_EXCEEDED beyond). */
  IDP_MAX_SERVICE_ACCOUNTS_PER_TENANT: Type.Integer({ minimum: 1, maximum: 100_000, default: 100 }),
  /** How long before an API key expires its creator is told so on `user:notifications`. */
  IDP_CREDENTIAL_EXPIRY_NOTICE_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 7 }),
  /** How often keys are scanned for that notice; 0 turns it off. */
  IDP_CREDENTIAL_EXPIRY_CHECK_INTERVAL_MS: Type.Integer({
    minimum: 0,
    maximum: 86_400_000,
    default: 3_600_000,
  }),
  /** Development only: accept an `http://` OIDC issuer and JWKS address (otherwise https is required). */
  IDP_OIDC_ALLOW_HTTP: Type.Boolean({ default: false }),
  /** Pins the JWKS address instead of taking discovery's (for providers that serve keys from another host). */
  IDP_OIDC_JWKS_URI: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Longest pause between attempts to reach an unreachable identity provider (backoff from 1 s, doubling). */
  IDP_OIDC_BACKOFF_MAX_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 60_000 }),
});
export type AuthEnv = Static<typeof AuthEnv>;

export const readAuthEnv = (env?: Record<string, string | undefined>) => readEnv(AuthEnv, env);
