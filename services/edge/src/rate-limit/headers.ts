// The IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers) and the spec §6.2 refusal body.
import type { FastifyReply } from 'fastify';
import { errorEnvelope } from '../envelope.js';
import type { PolicyState } from './limiter.js';

/** `RateLimit-Policy: "per_user";q=100;w=60` and `RateLimit: "per_user";r=42;t=17`. */
export function setRateLimitHeaders(reply: FastifyReply, state: PolicyState) {
  reply.header('RateLimit-Policy', `"${state.name}";q=${state.limit};w=${state.window_s}`);
  reply.header(
    'RateLimit',
    `"${state.name}";r=${Math.max(0, state.remaining)};t=${Math.max(0, state.reset_s)}`,
  );
}

export function sendRateLimited(reply: FastifyReply, requestId: string, state: PolicyState) {
  const retryAfter = Math.max(1, state.reset_s);
  return reply
    .code(429)
    .header('Retry-After', String(retryAfter))
    .send(
      errorEnvelope(
        requestId,
        {
          code: 'RATE_LIMIT_EXCEEDED',
          message: `Rate limit exceeded. Try again in ${retryAfter} seconds.`,
        },
        {
          retry_after: retryAfter,
          limit: state.limit,
          remaining: 0,
          reset: new Date(Date.now() + retryAfter * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      ),
    );
}

/** on_unavailable: deny — the client did nothing wrong, so this is a 503, not a 429. */
export function sendLimiterUnavailable(reply: FastifyReply, requestId: string) {
  return reply
    .code(503)
    .header('Retry-After', '1')
    .send(
      errorEnvelope(requestId, {
        code: 'SERVICE_UNAVAILABLE',
        message: 'Rate limiting is unavailable and this gateway is configured to refuse; try again shortly.',
      }),
    );
}
