// Verifies HS256 JWTs signed with the shared secret (design.md §4: development and simple setups).
// Only HS256 is accepted: `alg:none` and any other algorithm are refused before the signature is read.
import type { Principal } from '@idp/contracts';
import { jwtVerify } from 'jose';
import { describeJoseError, principalFromClaims } from './claims.js';

export interface JwtVerifierOptions {
  secret: string;
  issuer: string;
  audience: string;
  clockToleranceS: number;
}

export function createJwtVerifier(options: JwtVerifierOptions) {
  const key = new TextEncoder().encode(options.secret);

  return async function verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceS,
        requiredClaims: ['exp', 'sub'],
      });
      return principalFromClaims(payload);
    } catch (error) {
      throw describeJoseError(error);
    }
  };
}
