// Rate limiting as the edge's request lifecycle sees it: after authentication (per_user and
// per_tenant need the principal) and before validation and forwarding. Endpoint limits match the
// route the router matched (its pattern and decoded params), never the raw URL. A request with no
// verified principal (a failed authentication, an unknown path, a public document) counts only
// toward `unauthenticated`, per client address, so an anonymous flood cannot spend `global`; a
// refused credential is remembered for a few seconds so that repeating it costs no auth round trip.
// Every /api/v1 response that passed through here carries the RateLimit headers.
import { type Principal, PUBLIC, type RouteDef, Routes } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { AuthFailureCache, credentialFingerprint } from './auth-failure-cache.js';
import { startPolicySource } from './config-source.js';
import { sendLimiterUnavailable, sendRateLimited, setRateLimitHeaders } from './headers.js';
import { natsLeaseTransport } from './lease-client.js';
import { type Decision, Limiter } from './limiter.js';
import { throttled } from './log-throttle.js';
import { createRateLimitMetrics } from './metrics.js';
import type { Caller, MatchedRoute } from './policies.js';

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
  /** Authenticates (or repeats a remembered refusal), then rate-limits; undefined: answered. */
  authenticateThenLimit(
    request: FastifyRequest,
    reply: FastifyReply,
    authenticate: () => Promise<Principal>,
  ): Promise<Principal | undefined>;
  /**
   * onRequest hook (callback style: it runs on every request, and most need nothing from it): /api/v1
   * requests that no route handler will see.
   */
  onRequest(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void;
  limiter: Limiter;
  close(): void;
}

export function createRateLimitGate(options: RateLimitGateOptions): RateLimitGate {
  const { nc, logger } = options;
  const source = startPolicySource(nc, options.rawConfig, logger);
  const config = () => source.current().config;
  const logOutage = throttled(10_000);
  const logBucketError = throttled(10_000);
  let metrics: ReturnType<typeof createRateLimitMetrics> | undefined;
  const limiter = new Limiter(
    natsLeaseTransport(nc, () => config().lease_timeout_ms),
    {
      leaseSize: () => config().lease_size,
      onUnavailable: () => config().on_unavailable,
      fallbackShare: () => config().local_fallback_share,
      // Two transport attempts for the lease in flight, two for the one after it.
      maxWaitMs: () => 4 * config().lease_timeout_ms,
      clock: options.clock,
      events: {
        leaseRequest: (kind, ok, error) => {
          metrics?.lease(kind, ok);
          if (ok) return;
          logOutage((suppressed) =>
            logger.warn(
              { err: error, mode: config().on_unavailable, suppressed },
              'ratelimit service unreachable; applying on_unavailable',
            ),
          );
        },
        bucketError: (key, error) => {
          metrics?.bucketError(error);
          logBucketError((suppressed) =>
            logger.warn(
              { key, error, suppressed },
              'ratelimit service refused one counter; deciding it locally',
            ),
          );
        },
        degraded: (mode) => metrics?.unavailable(mode),
        fallbackEvicted: () => metrics?.fallbackEvicted(),
      },
    },
  );
  const failures = new AuthFailureCache(() => config().auth_failure_cache, options.clock);
  metrics = createRateLimitMetrics(options.registry, {
    fallbackCounters: () => limiter.fallbackCounters,
    authFailures: () => failures.size,
  });

  async function enforce(request: FastifyRequest, reply: FastifyReply, principal?: Principal) {
    const policies = source.current();
    if (!policies.enabled) return false;
    const route: MatchedRoute = {
      method: request.method,
      url: request.routeOptions.url,
      params: (request.params ?? {}) as Record<string, string>,
    };
    const caller: Caller = principal
      ? { principal }
      : {
          address: policies.clientAddress(request.socket?.remoteAddress, request.headers['x-forwarded-for']),
        };
    const buckets = policies.resolve(route, caller);
    if (buckets.length === 0) return false;
    const decision: Decision = await limiter.check(buckets);
    setRateLimitHeaders(reply, decision.headline);
    const requestId = request.requestContext?.requestId ?? String(request.id);
    if (decision.allowed) {
      metrics?.decision('admitted', decision.headline.name);
      return false;
    }
    if (decision.unavailable) {
      metrics?.decision('unavailable', decision.headline.name);
      await sendLimiterUnavailable(reply, requestId);
      return true;
    }
    metrics?.decision('refused', decision.headline.name);
    await sendRateLimited(reply, requestId, decision.headline);
    return true;
  }

  async function authenticateThenLimit(
    request: FastifyRequest,
    reply: FastifyReply,
    authenticate: () => Promise<Principal>,
  ): Promise<Principal | undefined> {
    const fingerprint = credentialFingerprint(request.headers);
    const remembered = fingerprint ? failures.get(fingerprint) : undefined;
    let principal: Principal;
    try {
      if (remembered) {
        metrics?.authFailureCacheHit();
        throw remembered;
      }
      principal = await authenticate();
    } catch (error) {
      if (fingerprint && !remembered) failures.remember(fingerprint, error);
      if (await enforce(request, reply)) return undefined;
      throw error;
    }
    return (await enforce(request, reply, principal)) ? undefined : principal;
  }

  return {
    enforce,
    authenticateThenLimit,
    limiter,
    onRequest(request, reply, done) {
      const route = request.routeOptions.url;
      if (route ? ROUTED.has(route) || !route.startsWith(API_PREFIX) : !unmatchedUnderApi(request.url))
        return done();
      // When enforce has answered (429/503), the chain must stop there: `done` is not called.
      enforce(request, reply).then((answered) => answered || done(), done);
    },
    close: () => {
      source.stop();
      limiter.close();
    },
  };
}

/** A path no route matched is under /api/v1 however it is spelled (`/%61pi/v1/…` included). */
function unmatchedUnderApi(url: string): boolean {
  const path = url.split('?')[0]!;
  try {
    return decodeURIComponent(path).startsWith(API_PREFIX);
  } catch {
    return path.startsWith(API_PREFIX) || /^\/%/.test(path);
  }
}

/**
 * Authenticates, then rate-limits with the principal; a failed authentication counts toward
 * `unauthenticated` (and may turn into a 429) before its error goes out. Undefined: the gate has answered.
 */
export async function authenticateThenLimit(
  gate: RateLimitGate | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
  authenticate: () => Promise<Principal>,
): Promise<Principal | undefined> {
  if (!gate) return authenticate();
  return gate.authenticateThenLimit(request, reply, authenticate);
}
