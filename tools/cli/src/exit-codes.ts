// The exit codes scripts rely on (design.md §11), and the errors that carry them.
import type { ApiError, ErrorCode } from '@idp/contracts';

export const ExitCodes = {
  ok: 0,
  /** The operation ended failed or cancelled, or the API answered an error that is not about auth. */
  failed: 1,
  usage: 2,
  auth: 3,
} as const;
export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

/** A mistake on the command line: wrong command, option or value. Exit 2 with the usage hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose help to point at, e.g. `apps create`. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** No credential, or a stored one that cannot be read: exit 3, as a refused one would. */
export class CredentialError extends Error {
  override readonly name = 'CredentialError';
}

const AUTH_CODES: readonly ErrorCode[] = ['UNAUTHENTICATED', 'FORBIDDEN'];

export function exitCodeOfApiError(error: ApiError): ExitCode {
  return AUTH_CODES.includes(error.code) ? ExitCodes.auth : ExitCodes.failed;
}
