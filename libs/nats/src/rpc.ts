// Typed request/reply over NATS: callers get decoded replies or an ApiError; responders get decoded
// requests and have every thrown error turned into a reply, so a request never waits for a timeout
// because a handler failed.
import { ApiError, type RpcReply, type RpcRequest } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import {
  type Msg,
  type NatsConnection,
  RequestError,
  type Subscription,
  TimeoutError,
} from '@nats-io/transport-node';
import { decodeJson, encodeJson } from './codec.js';
import { contextFromMsg, contextHeaders, type RequestContext } from './context.js';

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
  try {
    const reply = await nc.request(subject, encodeJson(body), {
      timeout: options.timeoutMs ?? 5_000,
      headers: contextHeaders(options.context),
    });
    return decodeJson(reply.data);
  } catch (error) {
    throw natsRequestFailure(subject, error);
  }
}

function natsRequestFailure(subject: string, error: unknown): ApiError {
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
 * an ApiError becomes `{ok:false, error}`, anything else an INTERNAL_ERROR that is logged.
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
      void answer(msg, handler, options.logger);
    },
  });
}

async function answer(msg: Msg, handler: RequestHandler, logger: Logger): Promise<void> {
  const context = contextFromMsg(msg);
  let reply: unknown;
  try {
    reply = await handler(decodeJson(msg.data), context, msg);
  } catch (error) {
    reply = {
      ok: false,
      error: toErrorBody(error, logger.child({ request_id: context.requestId, subject: msg.subject })),
    };
  }
  if (msg.reply) msg.respond(encodeJson(reply), { headers: contextHeaders(context) });
}

function toErrorBody(error: unknown, logger: Logger) {
  if (error instanceof ApiError) return error.toBody();
  if (error instanceof SyntaxError)
    return new ApiError('VALIDATION_ERROR', 'The request body is not valid JSON').toBody();
  logger.error({ err: error }, 'request handler failed');
  return new ApiError('INTERNAL_ERROR', 'An internal error occurred').toBody();
}
