// Verifies HS256 JWTs signed with the shared secret (design.md §4: development and simple setups).
// Only HS256 is accepted: `alg:none` and any other algorithm are refused before the signature is read.
import type { Principal } from '@idp/contracts';
import { verifyPlatformToken } from './claims.js';

export interface JwtVerifierOptions {
  secret: string;
  issuer: string;
  audience: string;
  clockToleranceS: number;
  maxTokenAgeS: number;
}

export function createJwtVerifier(options: JwtVerifierOptions) {
  const key = new TextEncoder().encode(options.secret);

  return async function verify(token: string): Promise<Principal> {
    return verifyPlatformToken(token, key, { ...options, algorithms: ['HS256'] });
  };
}
