// Every failure leaves the edge in the error envelope with the contract's code and status: our own
// ApiErrors, fastify's parser errors (bad JSON, too large, wrong media type) and anything unexpected.
import { ApiError, type ErrorCode } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import type { FastifyError, FastifyInstance } from 'fastify';
import { errorEnvelope } from './envelope.js';

const FASTIFY_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send request bodies as application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'VALIDATION_ERROR', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'VALIDATION_ERROR', message: 'The request body is empty' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'VALIDATION_ERROR',
    message: 'Content-Length does not match the body',
  },
};

export function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as FastifyError).code;
  const known = code ? FASTIFY_ERRORS[code] : undefined;
  if (known) return new ApiError(known.code, known.message);
  if (error instanceof SyntaxError)
    return new ApiError('VALIDATION_ERROR', 'The request body is not valid JSON');
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return new ApiError('VALIDATION_ERROR', error.message);
  return new ApiError('INTERNAL_ERROR', 'An internal error occurred');
}

export function installErrorHandling(app: FastifyInstance, logger: Logger) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      logger.error({ err: error, request_id: request.requestContext?.requestId }, 'request failed');
    }
    const requestId = request.requestContext?.requestId ?? String(request.id);
    return reply.code(apiError.status).send(errorEnvelope(requestId, apiError.toBody()));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`, {
      method: request.method,
      path: request.url.split('?')[0],
    });
    return reply.code(404).send(errorEnvelope(request.requestContext.requestId, error.toBody()));
  });
}
