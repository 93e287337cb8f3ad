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
  /**
   * Base64 of 32 bytes: encrypts the service-account signing key in the credentials bucket. Required
   * with NODE_ENV=production; elsewhere a published development key stands in (key-encryption.ts).
   */
  IDP_AUTH_ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 1 })),
});
export type AuthEnv = Static<typeof AuthEnv>;

export const readAuthEnv = (env?: Record<string, string | undefined>) => readEnv(AuthEnv, env);
