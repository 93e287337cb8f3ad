// Picks the one verifier a bearer token may be checked by, from its (unverified) issuer. Each verifier
// pins its own algorithms and keys, so a token can never choose a weaker check than its issuer has.
import type { Principal } from '@idp/contracts';
import { decodeJwt } from 'jose';
import { unauthenticated } from './claims.js';

export type TokenVerifier = (token: string) => Promise<Principal>;

export function createTokenRouter(verifiers: ReadonlyMap<string, TokenVerifier>): TokenVerifier {
  return async (token) => {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw unauthenticated('The token is malformed', 'malformed');
    }
    const verify = typeof issuer === 'string' ? verifiers.get(issuer) : undefined;
    if (!verify)
      throw unauthenticated(`Tokens from issuer '${String(issuer)}' are not accepted`, 'invalid_iss');
    return verify(token);
  };
}
