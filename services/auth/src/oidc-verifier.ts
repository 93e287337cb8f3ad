// Verifies SSO tokens from an OpenID Connect provider. Discovery gives the JWKS address, which must be
// https (unless IDP_OIDC_ALLOW_HTTP) and on the issuer's own origin (unless pinned by
// IDP_OIDC_JWKS_URI). Keys are cached, and a token naming an unknown `kid` triggers at most one refetch
// per cooldown, so a key rotation at the provider works without a restart. When the provider cannot be
// reached, attempts back off (1 s, doubling, up to IDP_OIDC_BACKOFF_MAX_MS) and tokens meanwhile get
// 503 at once instead of each one waiting for another failing fetch. Only asymmetric algorithms are
// accepted, which rules out algorithm confusion (an HS256 token "signed" with the provider's public key).
import { ConfigError } from '@idp/config';
import { ApiError, type Principal } from '@idp/contracts';
import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { verifyJwt } from './claims.js';
import { type OidcMapping, principalFromOidcClaims } from './oidc-claims.js';

export interface OidcVerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceS: number;
  maxTokenAgeS: number;
  jwksCooldownMs: number;
  /** Development only: accept http:// addresses. */
  allowHttp: boolean;
  /** A fixed JWKS address instead of discovery's. */
  jwksUri?: string;
  backoffMaxMs: number;
  mapping: OidcMapping;
}

export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];
const FIRST_BACKOFF_MS = 1_000;
const TIMEOUT_MS = 5_000;

function requireSecure(url: URL, what: string, allowHttp: boolean): void {
  if (url.protocol === 'https:' || (allowHttp && url.protocol === 'http:')) return;
  throw new Error(`${what} ${url.href} is not https (IDP_OIDC_ALLOW_HTTP=true allows http in development)`);
}

/** Refuses, at start, settings that would trust a provider over plain http. */
export function checkOidcSettings(options: Pick<OidcVerifierOptions, 'issuer' | 'jwksUri' | 'allowHttp'>) {
  try {
    requireSecure(new URL(options.issuer), 'IDP_OIDC_ISSUER', options.allowHttp);
    if (options.jwksUri) requireSecure(new URL(options.jwksUri), 'IDP_OIDC_JWKS_URI', options.allowHttp);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** Failures to reach the provider, counted for the backoff; a success resets it. */
class Backoff {
  private failures = 0;
  private until = 0;
  constructor(private readonly maxMs: number) {}
  /** Throws 503 while waiting before the next attempt. */
  check(): void {
    const wait = this.until - Date.now();
    if (wait > 0) throw unavailable('backing off after failed attempts', Math.ceil(wait / 1000));
  }
  failed(): void {
    this.failures++;
    this.until = Date.now() + Math.min(this.maxMs, FIRST_BACKOFF_MS * 2 ** Math.min(this.failures - 1, 20));
  }
  succeeded(): void {
    this.failures = 0;
    this.until = 0;
  }
}

const unavailable = (reason: string, retryAfterS?: number) =>
  new ApiError('SERVICE_UNAVAILABLE', 'The identity provider cannot be reached', {
    reason,
    ...(retryAfterS === undefined ? {} : { retry_after_s: retryAfterS }),
  });

/** jose's answers about a token's own key: the provider was reached, so they are not outages. */
const isKeyAnswer = (error: unknown) =>
  error instanceof errors.JWKSNoMatchingKey ||
  error instanceof errors.JWKSMultipleMatchingKeys ||
  error instanceof errors.JOSENotSupported;

export function createOidcVerifier(options: OidcVerifierOptions) {
  checkOidcSettings(options);
  const issuer = new URL(options.issuer);
  const backoff = new Backoff(options.backoffMaxMs);
  let keySet: Promise<JWTVerifyGetKey> | undefined;

  async function jwksAddress(): Promise<URL> {
    if (options.jwksUri) return new URL(options.jwksUri);
    const url = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const document = (await res.json()) as { issuer?: string; jwks_uri?: string };
    if (document.issuer !== options.issuer) throw new Error(`discovery names issuer ${document.issuer}`);
    if (typeof document.jwks_uri !== 'string') throw new Error('discovery has no jwks_uri');
    const jwks = new URL(document.jwks_uri);
    requireSecure(jwks, 'jwks_uri', options.allowHttp);
    if (jwks.origin !== issuer.origin) {
      throw new Error(
        `jwks_uri ${jwks.origin} is not on the issuer's origin (pin it with IDP_OIDC_JWKS_URI)`,
      );
    }
    return jwks;
  }

  async function discover(): Promise<JWTVerifyGetKey> {
    const remote = createRemoteJWKSet(await jwksAddress(), {
      cooldownDuration: options.jwksCooldownMs,
      cacheMaxAge: 10 * 60 * 1000,
      timeoutDuration: TIMEOUT_MS,
    });
    // Fetch failures of the key set count toward the same backoff as discovery's.
    return async (header, token) => {
      backoff.check();
      try {
        const key = await remote(header, token);
        backoff.succeeded();
        return key;
      } catch (error) {
        if (isKeyAnswer(error)) throw error;
        backoff.failed();
        throw unavailable(String((error as Error).message));
      }
    };
  }

  function keys(): Promise<JWTVerifyGetKey> {
    if (keySet) return keySet;
    backoff.check();
    keySet = discover().then(
      (found) => {
        backoff.succeeded();
        return found;
      },
      (error: Error) => {
        keySet = undefined;
        backoff.failed();
        throw unavailable(String(error.message));
      },
    );
    return keySet;
  }

  return async function verify(token: string): Promise<Principal> {
    const payload = await verifyJwt(token, await keys(), { ...options, algorithms: OIDC_ALGORITHMS });
    return principalFromOidcClaims(payload, options.mapping);
  };
}
