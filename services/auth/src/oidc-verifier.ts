// Verifies SSO tokens from an OpenID Connect provider: discovery gives the JWKS address, keys are
// cached, and a token naming an unknown `kid` triggers at most one refetch per cooldown, so a key
// rotation at the provider works without a restart. Only asymmetric algorithms are accepted, which
// rules out algorithm confusion (an HS256 token "signed" with the provider's public key).
import { ApiError, type Principal } from '@idp/contracts';
import { createRemoteJWKSet } from 'jose';
import { verifyPlatformToken } from './claims.js';

export interface OidcVerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceS: number;
  jwksCooldownMs: number;
}

export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

export function createOidcVerifier(options: OidcVerifierOptions) {
  let keySet: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  async function discover() {
    const url = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const document = (await res.json()) as { issuer?: string; jwks_uri?: string };
    if (document.issuer !== options.issuer) throw new Error(`discovery names issuer ${document.issuer}`);
    if (!document.jwks_uri) throw new Error('discovery has no jwks_uri');
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      cooldownDuration: options.jwksCooldownMs,
      cacheMaxAge: 10 * 60 * 1000,
      timeoutDuration: 5_000,
    });
  }

  function keys() {
    keySet ??= discover().catch((error) => {
      keySet = undefined; // try discovery again on the next token
      throw new ApiError('SERVICE_UNAVAILABLE', 'The identity provider cannot be reached', {
        reason: String(error.message),
      });
    });
    return keySet;
  }

  return async function verify(token: string): Promise<Principal> {
    return verifyPlatformToken(token, await keys(), { ...options, algorithms: OIDC_ALGORITHMS });
  };
}
