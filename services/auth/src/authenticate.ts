// Answers the edge's authenticate requests: one credential in, a principal (or 401) out.
import { ApiError, AuthenticateRequest, type Principal } from '@idp/contracts';
import { Compile } from 'typebox/compile';
import type { TokenVerifier } from './token-router.js';

const requestCheck = Compile(AuthenticateRequest);

export type ApiKeyVerifier = (key: string) => Promise<Principal>;

export function createAuthenticator(verifyBearer: TokenVerifier, verifyApiKey: ApiKeyVerifier) {
  return async function authenticate(body: unknown): Promise<Principal> {
    if (!requestCheck.Check(body)) {
      throw new ApiError('VALIDATION_ERROR', 'The authenticate request is malformed');
    }
    if (body.bearer) return verifyBearer(body.bearer);
    if (body.api_key) return verifyApiKey(body.api_key);
    throw new ApiError('UNAUTHENTICATED', 'No credential was presented', { reason: 'missing' });
  };
}
