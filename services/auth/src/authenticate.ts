// Answers the edge's authenticate requests: one credential in, a principal (or 401) out.
import { ApiError, AuthenticateRequest, type Principal } from '@idp/contracts';
import { Compile } from 'typebox/compile';

const requestCheck = Compile(AuthenticateRequest);

export type TokenVerifier = (token: string) => Promise<Principal>;

export function createAuthenticator(verifyJwt: TokenVerifier) {
  return async function authenticate(body: unknown): Promise<Principal> {
    if (!requestCheck.Check(body)) {
      throw new ApiError('VALIDATION_ERROR', 'The authenticate request is malformed');
    }
    if (body.bearer) return verifyJwt(body.bearer);
    if (body.api_key) {
      // API keys and service accounts are added by the auth issue that follows the foundation.
      throw new ApiError('UNAUTHENTICATED', 'API key authentication is not enabled on this gateway', {
        reason: 'method_not_enabled',
      });
    }
    throw new ApiError('UNAUTHENTICATED', 'No credential was presented', { reason: 'missing' });
  };
}
