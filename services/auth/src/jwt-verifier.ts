// Verifies the platform's HS256 JWTs (design.md §4) and turns their claims into a principal.
// Only HS256 is accepted: `alg:none` and any other algorithm are refused before the signature is read.
import { ApiError, type Principal, TokenClaims } from '@idp/contracts';
import { errors, jwtVerify } from 'jose';
import { Compile } from 'typebox/compile';

export interface JwtVerifierOptions {
  secret: string;
  issuer: string;
  audience: string;
  clockToleranceS: number;
}

const claimsCheck = Compile(TokenClaims);

const unauthenticated = (message: string, reason: string) =>
  new ApiError('UNAUTHENTICATED', message, { reason });

export function createJwtVerifier(options: JwtVerifierOptions) {
  const key = new TextEncoder().encode(options.secret);

  return async function verify(token: string): Promise<Principal> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceS,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw describeJoseError(error);
    }
    if (!claimsCheck.Check(payload)) {
      const first = [...claimsCheck.Errors(payload)][0];
      const claim = first?.instancePath.slice(1) || String(first?.params && Object.values(first.params)[0]);
      throw unauthenticated(`The token's claims are invalid (${claim}: ${first?.message})`, 'invalid_claims');
    }
    const claims = payload;
    return {
      sub: claims.sub,
      tenant_id: claims.tenant_id,
      roles: claims.roles,
      credential: 'jwt',
      expires_at: claims.exp,
      ...(claims.email ? { email: claims.email } : {}),
      ...(claims.name ? { name: claims.name } : {}),
    };
  };
}

function describeJoseError(error: unknown): ApiError {
  if (error instanceof errors.JWTExpired) return unauthenticated('The token has expired', 'expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return unauthenticated('The token is not valid yet', 'not_yet_valid');
    return unauthenticated(`The token's '${error.claim}' claim is not accepted`, `invalid_${error.claim}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return unauthenticated(
      'The token is signed with an algorithm that is not accepted',
      'algorithm_not_allowed',
    );
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return unauthenticated('The token signature is invalid', 'bad_signature');
  return unauthenticated('The token is malformed', 'malformed');
}
