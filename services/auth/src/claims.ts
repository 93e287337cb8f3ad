// Turns verified JWT claims into a principal, and jose's failures into 401s that say what was wrong.
import { ApiError, type Principal, TokenClaims } from '@idp/contracts';
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { Compile } from 'typebox/compile';

const claimsCheck = Compile(TokenClaims);

export const unauthenticated = (message: string, reason: string) =>
  new ApiError('UNAUTHENTICATED', message, { reason });

/** Checks the platform's claims (sub, tenant_id, roles, exp, iat) whoever signed the token. */
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
    issued_at: claims.iat,
    ...(claims.email ? { email: claims.email } : {}),
    ...(claims.name ? { name: claims.name } : {}),
  };
}

export function describeJoseError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof errors.JWTExpired) {
    if (error.claim === 'iat') return unauthenticated('The token is older than the accepted age', 'too_old');
    return unauthenticated('The token has expired', 'expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return unauthenticated('The token is not valid yet', 'not_yet_valid');
    if (error.claim === 'iat' && error.reason === 'missing')
      return unauthenticated("The token has no 'iat' (issued at) claim", 'missing_iat');
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
  /** Oldest accepted token by its `iat`, which is therefore required. */
  maxTokenAgeS: number;
}

/** Verifies signature, algorithm, issuer, audience, `exp`/`nbf` and age; any failure is a descriptive 401. */
export async function verifyJwt(
  token: string,
  key: Uint8Array | JWTVerifyGetKey,
  check: ClaimsCheck,
): Promise<JWTPayload> {
  const options = {
    algorithms: check.algorithms,
    issuer: check.issuer,
    audience: check.audience,
    clockTolerance: check.clockToleranceS,
    maxTokenAge: check.maxTokenAgeS,
    requiredClaims: ['exp', 'iat'],
  };
  try {
    // Two calls only because jose types a key and a key resolver as separate overloads.
    const { payload } =
      typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
    return payload;
  } catch (error) {
    throw describeJoseError(error);
  }
}

/** Verifies a platform-shaped JWT against one key (or key set). */
export async function verifyPlatformToken(
  token: string,
  key: Uint8Array | JWTVerifyGetKey,
  check: ClaimsCheck,
): Promise<Principal> {
  return principalFromClaims(await verifyJwt(token, key, check));
}
