// The contract's error codes (design.md §3) with their HTTP statuses, and the one error class that carries them.
import Type, { type Static } from 'typebox';

export const ErrorCodes = {
  VALIDATION_ERROR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  QUOTA_EXCEEDED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

export const ErrorCodeSchema = Type.Enum(Object.keys(ErrorCodes) as ErrorCode[]);

export const ErrorBody = Type.Object({
  code: ErrorCodeSchema,
  message: Type.String(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type ErrorBody = Static<typeof ErrorBody>;

/** Any failure a client should see. Services throw it; the edge turns it into the error envelope. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = ErrorCodes[code];
  }

  toBody(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }

  static from(body: ErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.details);
  }
}

export const notFound = (what: string, id: string) =>
  new ApiError('NOT_FOUND', `${what} '${id}' was not found`, { resource: what, id });

export const validationError = (field: string, reason: string) =>
  new ApiError('VALIDATION_ERROR', `Invalid value for '${field}': ${reason}`, { field, reason });

export const conflict = (message: string, details?: Record<string, unknown>) =>
  new ApiError('CONFLICT', message, details);
