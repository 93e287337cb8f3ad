// Turns verified JWT claims into a principal, and jose's failures into 401s that say what was wrong.
import { ApiError, type Principal, TokenClaims } from '@idp/contracts';
import { errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { Compile } from 'typebox/compile';

const claimsCheck = Compile(TokenClaims);

export const unauthenticated = (message: string, reason: string) =>
  new ApiError('UNAUTHENTICATED', message, { reason });

/** Checks the platform's claims (sub, tenant_id, roles, exp) whoever signed the token. */
export function principalFromClaims(payload: unknown): Principal {
  if (!claimsCheck.Check(payload)) {
    const first = [...claimsCheck.Errors(payload)][0];
    const claim =
      first?.instancePath.slice(1) ||
      String(
        (first?.params as { requiredProperties?: string[] } | undefined)?.requiredProperties?.[0] ?? 'claims',
      );
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
}

export function describeJoseError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof errors.JWTExpired) return unauthenticated('The token has expired', 'expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return unauthenticated('The token is not valid yet', 'not_yet_valid');
    return unauthenticated(`The token's '${error.claim}' claim is not accepted`, `invalid_${error.claim}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return unauthenticated(
      'The token is signed with an algorithm that is not accepted',
      'algorithm_not_allowed',
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return unauthenticated('The token signature is invalid', 'bad_signature');
  if (error instanceof errors.JWKSNoMatchingKey)
    return unauthenticated('The token is signed with an unknown key', 'unknown_key');
  return unauthenticated('The token is malformed', 'malformed');
}

export interface ClaimsCheck {
  algorithms: string[];
  issuer: string;
  audience: string;
  clockToleranceS: number;
}

/** Verifies a platform-shaped JWT against one key (or key set); any failure is a descriptive 401. */
export async function verifyPlatformToken(
  token: string,
  key: Uint8Array | JWTVerifyGetKey,
  check: ClaimsCheck,
): Promise<Principal> {
  const options = {
    algorithms: check.algorithms,
    issuer: check.issuer,
    audience: check.audience,
    clockTolerance: check.clockToleranceS,
    requiredClaims: ['exp', 'sub'],
  };
  try {
    // Two calls only because jose types a key and a key resolver as separate overloads.
    const { payload } =
      typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
    return principalFromClaims(payload);
  } catch (error) {
    throw describeJoseError(error);
  }
}
