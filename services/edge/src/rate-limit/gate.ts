// Rate limiting as the edge's request lifecycle sees it: after authentication (per_user and
// per_tenant need the principal) and before validation and forwarding. A request that fails
// authentication, or that no route handles (404s, openapi.json), counts toward `global` only.
// Every /api/v1 response that passed through here carries the RateLimit headers.
import { type Principal, PUBLIC, type RouteDef, Routes } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { startPolicySource } from './config-source.js';
import { sendLimiterUnavailable, sendRateLimited, setRateLimitHeaders } from './headers.js';
import { natsLeaseTransport } from './lease-client.js';
import { type Decision, Limiter } from './limiter.js';
import { throttled } from './log-throttle.js';
import { createRateLimitMetrics } from './metrics.js';

const API_PREFIX = '/api/v1';
/** Routes whose handler calls `enforce` after authenticating; PUBLIC ones never authenticate. */
const ROUTED = new Set(
  (Routes as readonly RouteDef[]).filter((r) => r.permission !== PUBLIC).map((r) => `${API_PREFIX}${r.path}`),
);

export interface RateLimitGateOptions {
  nc: NatsConnection;
  /** The `rate_limits` section of the gateway config as loaded (validated here). */
  rawConfig: unknown;
  logger: Logger;
  registry: Registry;
  clock?: () => number;
}

export interface RateLimitGate {
  /** Checks the request; true when it has already answered (429, or 503 under `deny`). */
  enforce(request: FastifyRequest, reply: FastifyReply, principal?: Principal): Promise<boolean>;
  /** onRequest hook: /api/v1 requests that no route handler will see. */
  onRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  limiter: Limiter;
  close(): void;
}

export function createRateLimitGate(options: RateLimitGateOptions): RateLimitGate {
  const { nc, logger } = options;
  const source = startPolicySource(nc, options.rawConfig, logger);
  const config = () => source.current().config;
  const metrics = createRateLimitMetrics(options.registry);
  const logOutage = throttled(10_000);
  const limiter = new Limiter(
    natsLeaseTransport(nc, () => config().lease_timeout_ms),
    {
      leaseSize: () => config().lease_size,
      onUnavailable: () => config().on_unavailable,
      fallbackShare: () => config().local_fallback_share,
      clock: options.clock,
      events: {
        leaseRequest: (kind, ok, error) => {
          metrics.lease(kind, ok);
          if (!ok) {
            logOutage((suppressed) =>
              logger.warn(
                { err: error, mode: config().on_unavailable, suppressed },
                'ratelimit service unreachable; applying on_unavailable',
              ),
            );
          }
        },
        degraded: (mode) => metrics.unavailable(mode),
      },
    },
  );

  async function enforce(request: FastifyRequest, reply: FastifyReply, principal?: Principal) {
    const policies = source.current();
    if (!policies.enabled) return false;
    const buckets = policies.resolve(request.method, request.url.split('?')[0]!, principal);
    if (buckets.length === 0) return false;
    const decision: Decision = await limiter.check(buckets);
    setRateLimitHeaders(reply, decision.headline);
    const requestId = request.requestContext?.requestId ?? String(request.id);
    if (decision.allowed) {
      metrics.decision('admitted', decision.headline.name);
      return false;
    }
    if (decision.unavailable) {
      metrics.decision('unavailable', decision.headline.name);
      await sendLimiterUnavailable(reply, requestId);
      return true;
    }
    metrics.decision('refused', decision.headline.name);
    await sendRateLimited(reply, requestId, decision.headline);
    return true;
  }

  return {
    enforce,
    limiter,
    async onRequest(request, reply) {
      if (!request.url.startsWith(API_PREFIX) || ROUTED.has(request.routeOptions.url ?? '')) return;
      return (await enforce(request, reply)) ? reply : undefined;
    },
    close: () => source.stop(),
  };
}

/**
 * Authenticates, then rate-limits with the principal; a failed authentication still counts toward
 * `global` (and may turn into a 429) before its error goes out. Undefined: the gate has answered.
 */
export async function authenticateThenLimit(
  gate: RateLimitGate | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
  authenticate: () => Promise<Principal>,
): Promise<Principal | undefined> {
  if (!gate) return authenticate();
  let principal: Principal;
  try {
    principal = await authenticate();
  } catch (error) {
    if (await gate.enforce(request, reply)) return undefined;
    throw error;
  }
  return (await gate.enforce(request, reply, principal)) ? undefined : principal;
}
