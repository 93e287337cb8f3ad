// Typed request/reply over NATS: callers get decoded replies or an ApiError; responders get decoded
// requests and have every thrown error turned into a reply, so a request never waits for a timeout
// because a handler failed.
import { ApiError, type ErrorBody, type RpcReply, type RpcRequest } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import {
  InvalidArgumentError,
  type Msg,
  type NatsConnection,
  headers as natsHeaders,
  RequestError,
  type Subscription,
  TimeoutError,
} from '@nats-io/transport-node';
import { decodeJson, encodeJson } from './codec.js';
import { contextFromMsg, contextHeaders, type RequestContext } from './context.js';
import { instrumentedHandler, instrumentedRequest } from './instrumentation.js';
import { isNatsAway, natsAwayError } from './nats-away.js';
import { oversizedReply } from './oversized-reply.js';
import { muxRequest } from './request-mux.js';

export interface RequestOptions {
  timeoutMs?: number;
  context?: RequestContext;
}

/** Sends a JSON request and returns the decoded reply; NATS failures become 503/504 ApiErrors. */
export async function requestJson(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  options: RequestOptions = {},
): Promise<unknown> {
  let data: Uint8Array;
  try {
    data = encodeJson(body);
  } catch (error) {
    // Only input can be this odd (a cycle, or nested deeper than the stack): the caller's problem.
    throw new ApiError(
      'VALIDATION_ERROR',
      'The request cannot be encoded as JSON',
      { subject },
      { cause: error },
    );
  }
  const headers = contextHeaders(options.context) ?? natsHeaders();
  try {
    const reply = await instrumentedRequest({ subject, headers }, () =>
      muxRequest(nc, subject, data, { timeoutMs: options.timeoutMs ?? 5_000, headers }),
    );
    return decodeJson(reply.data);
  } catch (error) {
    throw natsRequestFailure(subject, error);
  }
}

function natsRequestFailure(subject: string, error: unknown): ApiError {
  if (isMaxPayloadError(error)) {
    return new ApiError(
      'PAYLOAD_TOO_LARGE',
      'The request is too large to forward to the service',
      { subject },
      { cause: error },
    );
  }
  if (error instanceof RequestError && error.isNoResponders()) {
    return new ApiError(
      'SERVICE_UNAVAILABLE',
      'The service that answers this request is not available',
      { subject },
      { cause: error },
    );
  }
  if (
    error instanceof TimeoutError ||
    (error instanceof RequestError && error.cause instanceof TimeoutError)
  ) {
    return new ApiError(
      'GATEWAY_TIMEOUT',
      'The service did not answer in time',
      { subject },
      { cause: error },
    );
  }
  return new ApiError(
    'SERVICE_UNAVAILABLE',
    'The message bus is not available',
    { subject },
    { cause: error },
  );
}

/** Calls a backend route and unwraps its RpcReply, rethrowing a failure reply as an ApiError. */
export async function callRpc<TRequest = RpcRequest>(
  nc: NatsConnection,
  subject: string,
  request: TRequest,
  options: RequestOptions = {},
): Promise<Extract<RpcReply, { ok: true }>> {
  const reply = (await requestJson(nc, subject, request, options)) as RpcReply;
  if (!reply || typeof reply !== 'object' || !('ok' in reply)) {
    throw new ApiError('INTERNAL_ERROR', 'The service answered with a malformed reply', { subject });
  }
  if (!reply.ok) throw ApiError.from(reply.error);
  return reply;
}

export type RequestHandler = (body: unknown, context: RequestContext, msg: Msg) => Promise<unknown> | unknown;

export interface ServeOptions {
  queue: string;
  logger: Logger;
}

/**
 * Answers JSON requests on a subject in a queue group. The handler's return value is the reply;
 * an ApiError becomes `{ok:false, error}`, anything else an INTERNAL_ERROR that is logged. A reply
 * that cannot be sent (too large for NATS, not encodable) is answered with a small error instead:
 * nothing a request makes a handler return or throw may escape as an unhandled rejection.
 */
export function serveJson(
  nc: NatsConnection,
  subject: string,
  handler: RequestHandler,
  options: ServeOptions,
): Subscription {
  return nc.subscribe(subject, {
    queue: options.queue,
    callback: (err, msg) => {
      if (err) {
        options.logger.error({ err, subject }, 'subscription failed');
        return;
      }
      const incoming = { subject: msg.subject, pattern: subject, queue: options.queue, msg };
      instrumentedHandler(incoming, () => answer(nc, msg, handler, options.logger)).catch(
        (error: unknown) => {
          options.logger.error({ err: error, subject: msg.subject }, 'could not answer a request');
        },
      );
    },
  });
}

/** Answers one request; resolves to the reply that was sent (or would have been, without a reply subject). */
async function answer(
  nc: NatsConnection,
  msg: Msg,
  handler: RequestHandler,
  logger: Logger,
): Promise<unknown> {
  const context = contextFromMsg(msg);
  const log = () => logger.child({ request_id: context.requestId, subject: msg.subject });
  const receivedVia = nc.info?.server_id;
  let reply: unknown;
  try {
    reply = await handler(decodeJson(msg.data), context, msg);
  } catch (error) {
    reply = failure(toErrorBody(error, log()));
  }
  if (!msg.reply) return reply;
  if (nc.info?.server_id !== receivedVia) {
    // The permission to answer a request (allow_responses) lives in the server that delivered it: after
    // a move to another server of the cluster, the reply would be refused as a permission violation.
    // The caller times out either way and may retry; not sending keeps the servers' logs meaningful.
    log().warn('connection moved to another NATS server while answering: the reply is not sent');
    return reply;
  }
  const headers = contextHeaders(context);
  let data: Uint8Array;
  try {
    data = encodeJson(reply);
  } catch (error) {
    data = encodeJson(failure(toErrorBody(error, log())));
  }
  const limit = nc.info?.max_payload;
  const size = data.length;
  if (limit !== undefined && size + HEADERS_ALLOWANCE_BYTES > limit) {
    log().warn({ size_bytes: size, limit_bytes: limit }, 'reply too large for NATS, answering 413');
    data = encodeJson(failure(oversizedReply(reply, size, limit).toBody()));
  }
  try {
    msg.respond(data, { headers });
  } catch (error) {
    // Still too large (the server's limit changed under us) or the connection is closing.
    if (!isMaxPayloadError(error)) throw error;
    msg.respond(encodeJson(failure(oversizedReply(reply, size, limit ?? size).toBody())), { headers });
  }
  return reply;
}

/** Room for the context headers (request id, traceparent), which take well under this much. */
const HEADERS_ALLOWANCE_BYTES = 512;

const failure = (error: ErrorBody) => ({ ok: false, error });

const isMaxPayloadError = (error: unknown) =>
  error instanceof InvalidArgumentError && /max_payload/.test(error.message);

function toErrorBody(error: unknown, logger: Logger): ErrorBody {
  if (error instanceof ApiError) return error.toBody();
  if (error instanceof SyntaxError)
    return new ApiError('VALIDATION_ERROR', 'The request body is not valid JSON').toBody();
  if (isNatsAway(error)) {
    logger.warn({ err: error }, 'request failed while NATS was not reachable: answering 503');
    return natsAwayError(error).toBody();
  }
  logger.error({ err: error }, 'request handler failed');
  return new ApiError('INTERNAL_ERROR', 'An internal error occurred').toBody();
}
