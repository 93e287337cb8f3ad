// Builds the edge's fastify app (testable with inject()); main.ts only listens.
// Hook order (fastify's lifecycle): onRequest sets the request id, CORS answers preflights,
// the route handler authenticates, authorises, validates and forwards; onResponse logs and counts.
import './fastify-types.js';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import cors from '@fastify/cors';
import type { GatewayConfig, ServerTls } from '@idp/config';
import {
  API_VERSION,
  ApiError,
  AUTHENTICATED,
  PUBLIC,
  type RouteDef,
  Routes,
  RpcSubjects,
} from '@idp/contracts';
import { callRpc } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { effectivePermissions, isPermission } from '@idp/rbac';
import { createBreakerSet } from '@idp/resilience';
import type { NatsConnection } from '@nats-io/transport-node';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createAuthGate } from './auth-gate.js';
import { createResponseCaching } from './cache/index.js';
import { type ConsoleOptions, registerWebUi } from './console/index.js';
import { errorEnvelope, requestIdFrom, validTraceparent } from './envelope.js';
import { installErrorHandling, toApiError } from './error-handling.js';
import { createReadinessCheck, type Readiness, readiness } from './health.js';
import { installJsonBodyParser } from './json-body.js';
import { createEdgeMetrics, type EdgeMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { createRateLimitGate } from './rate-limit/index.js';
import { createRouteHandler, type LocalHandler, type RouteDeps } from './route-handler.js';
import { installHttpTracing } from './tracing-hook.js';

export interface EdgeAppOptions {
  nc: NatsConnection;
  config: GatewayConfig;
  logger: Logger;
  authCacheTtlMs: number;
  /** Certificate and key (PEM) to serve HTTPS with; plain HTTP without. */
  tls?: ServerTls;
  /** Shared with the probe port, which serves them (`GET /metrics` is not on this listener). */
  metrics?: EdgeMetrics;
  /** The (cached) readiness check; the probe port shows its details, this listener only `{ready}`. */
  readiness?: () => Promise<Readiness>;
  /**
   * True once the instance is shutting down (SIGTERM): `/readyz` answers 503 and every response says
   * `Connection: close`, so balancers and pooled keep-alive clients move to other edges before the
   * listener closes (design.md §10).
   */
  draining?: () => boolean;
  /** Serve the web console at /console from these files (main.ts: IDP_CONSOLE_DIR); off without. */
  console?: ConsoleOptions;
}

export const API_PREFIX = '/api/v1';

export async function buildEdgeApp(options: EdgeAppOptions): Promise<FastifyInstance> {
  const { nc, config, logger } = options;
  const app = Fastify({
    bodyLimit: config.http.body_limit_bytes,
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    return503OnClosing: true,
    // Requests node's HTTP parser refuses (bad request line, header, framing) never reach fastify.
    clientErrorHandler: answerClientError,
    // URLs the router refuses before any hook runs (bad percent-encoding, an over-long path segment)
    // still get the error envelope (found by the fuzz suite: they answered fastify's own JSON).
    frameworkErrors: (error, request, reply) => {
      const apiError = toApiError(error);
      return (reply as FastifyReply)
        .code(apiError.status)
        .header('X-Request-Id', request.id)
        .send(errorEnvelope(String(request.id), apiError.toBody()));
    },
    // With a certificate the same app serves HTTPS (fastify then builds an https.Server).
    ...(options.tls ? { https: options.tls } : {}),
  });
  const metrics = options.metrics ?? createEdgeMetrics();
  const checkReadiness = options.readiness ?? createReadinessCheck(() => readiness(nc));

  app.decorateRequest('requestContext', null as never);
  app.decorateRequest('principal', undefined);
  // Callback style, not async: this runs on every request, and an async hook costs a promise each time.
  app.addHook('onRequest', (request, reply, done) => {
    const traceparent = validTraceparent(request.headers.traceparent);
    request.requestContext = traceparent ? { requestId: request.id, traceparent } : { requestId: request.id };
    reply.header('X-Request-Id', request.id);
    // Before the rate limit, which may end the request: a refusal must also carry Connection: close.
    if (options.draining?.()) reply.header('connection', 'close');
    done();
  });
  installHttpTracing(app);
  const rateLimit = createRateLimitGate({
    nc,
    rawConfig: (config as { rate_limits?: unknown }).rate_limits,
    logger,
    registry: metrics.registry,
  });
  app.addHook('onRequest', rateLimit.onRequest);
  app.addHook('onClose', async () => rateLimit.close());
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    // The access log line's object is not even built when the level leaves it out (LOG_LEVEL=warn).
    if (logger.isLevelEnabled('info')) logAccess(logger, request, reply, route);
    done();
  });
  installJsonBodyParser(app, { maxDepth: config.http.max_json_depth });
  installErrorHandling(app, logger);
  if (config.http.cors_origins.length > 0) {
    const any = config.http.cors_origins.includes('*');
    await app.register(cors, {
      origin: any ? true : config.http.cors_origins,
      credentials: !any,
      exposedHeaders: [
        'X-Request-Id',
        'ETag',
        'Location',
        'Retry-After',
        'RateLimit',
        'RateLimit-Policy',
        'X-Cache-Status',
      ],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'If-Match',
        'If-None-Match',
        'Cache-Control',
        'X-Request-Id',
        'X-API-Key',
        'traceparent',
      ],
    });
  }

  // Public probes reveal nothing but liveness and readiness: which backend is down and why, and the
  // Prometheus metrics, are on the probe port (IDP_HEALTH_PORT; design.md §3, §10).
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = !options.draining?.() && (await checkReadiness()).ready;
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  const openapi = buildOpenApiDocument(API_VERSION);
  app.get(`${API_PREFIX}/openapi.json`, async () => openapi);
  await registerWebUi(app, { apiPrefix: API_PREFIX, console: options.console, logger });

  const breakers = createBreakerSet({
    config: config.circuit_breakers,
    logger,
    registry: metrics.registry,
    metricPrefix: 'idp_edge',
  });
  const caching = createResponseCaching({
    nc,
    config: config.response_cache,
    logger,
    registry: metrics.registry,
  });
  app.addHook('onClose', async () => caching.close());
  const deps: RouteDeps = {
    nc,
    authGate: createAuthGate(nc, {
      ttlMs: options.authCacheTtlMs,
      timeoutMs: config.http.backend_timeout_ms,
      breaker: breakers.get('auth'),
      onCacheLookup: metrics.authCacheLookup,
    }),
    roles: config.roles,
    backendTimeoutMs: config.http.backend_timeout_ms,
    rateLimit,
    breakers,
    responses: caching.readThrough,
  };
  const localHandlers: Record<string, LocalHandler> = {
    'auth.jwks': async (_principal, _input) =>
      (
        await breakers
          .get('auth')
          .run(() => callRpc(nc, RpcSubjects.jwks, {}, { timeoutMs: config.http.backend_timeout_ms }))
      ).data,
    'users.me.permissions': (principal) => ({
      user_id: principal!.sub,
      tenant_id: principal!.tenant_id,
      roles: effectivePermissions(principal!, config.roles),
    }),
  };
  assertRoutesDeclarePermissions(Routes as readonly RouteDef[], localHandlers);
  for (const route of Routes as readonly RouteDef[]) {
    app.route({
      method: route.method,
      url: `${API_PREFIX}${route.path}`,
      handler: createRouteHandler(route, deps, localHandlers[route.name]),
    });
  }
  return app;
}

/**
 * The envelope for what the HTTP parser refused (found by the fuzz suite: fastify's default answered
 * its own JSON). Headers over node's limit are 413; a reset or timed-out socket gets no answer.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !socket.writable) {
    socket.destroy();
    return;
  }
  const apiError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError('PAYLOAD_TOO_LARGE', 'The request headers are too large')
      : new ApiError('VALIDATION_ERROR', 'The request is not valid HTTP/1.1');
  const requestId = requestIdFrom(undefined);
  const body = JSON.stringify(errorEnvelope(requestId, apiError.toBody()));
  socket.end(
    `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A route without a valid permission must never be served: refuse to start instead. */
export function assertRoutesDeclarePermissions(
  routes: readonly RouteDef[],
  local: Record<string, LocalHandler>,
) {
  for (const route of routes) {
    const special = route.permission === AUTHENTICATED || route.permission === PUBLIC;
    if (!special && !isPermission(route.permission.replace('{type}', 'x'))) {
      throw new Error(
        `route ${route.method} ${route.path} declares no valid permission ('${route.permission}')`,
      );
    }
    if (route.permission === PUBLIC && !local[route.name]) {
      throw new Error(`public route ${route.method} ${route.path} must be answered by the edge itself`);
    }
  }
}

function logAccess(logger: Logger, request: FastifyRequest, reply: FastifyReply, route: string) {
  logger.info(
    {
      request_id: request.id,
      method: request.method,
      route,
      url: request.url,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      tenant_id: request.principal?.tenant_id,
      sub: request.principal?.sub,
    },
    'request',
  );
}
