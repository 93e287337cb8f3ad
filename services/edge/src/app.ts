// Builds the edge's fastify app (testable with inject()); main.ts only listens.
// Hook order (fastify's lifecycle): onRequest sets the request id, CORS answers preflights,
// the route handler authenticates, authorises, validates and forwards; onResponse logs and counts.
import './fastify-types.js';
import cors from '@fastify/cors';
import type { GatewayConfig, ServerTls } from '@idp/config';
import { API_VERSION, AUTHENTICATED, PUBLIC, type RouteDef, Routes, RpcSubjects } from '@idp/contracts';
import { callRpc } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { effectivePermissions, isPermission } from '@idp/rbac';
import type { NatsConnection } from '@nats-io/transport-node';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAuthGate } from './auth-gate.js';
import { requestIdFrom, validTraceparent } from './envelope.js';
import { installErrorHandling } from './error-handling.js';
import { readiness } from './health.js';
import { installJsonBodyParser } from './json-body.js';
import { createEdgeMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { createRateLimitGate } from './rate-limit/index.js';
import { createRouteHandler, type LocalHandler, type RouteDeps } from './route-handler.js';

export interface EdgeAppOptions {
  nc: NatsConnection;
  config: GatewayConfig;
  logger: Logger;
  authCacheTtlMs: number;
  /** Certificate and key (PEM) to serve HTTPS with; plain HTTP without. */
  tls?: ServerTls;
}

export const API_PREFIX = '/api/v1';

export async function buildEdgeApp(options: EdgeAppOptions): Promise<FastifyInstance> {
  const { nc, config, logger } = options;
  const app = Fastify({
    bodyLimit: config.http.body_limit_bytes,
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    return503OnClosing: true,
    // With a certificate the same app serves HTTPS (fastify then builds an https.Server).
    ...(options.tls ? { https: options.tls } : {}),
  });
  const metrics = createEdgeMetrics();

  app.decorateRequest('requestContext', null as never);
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const traceparent = validTraceparent(request.headers.traceparent);
    request.requestContext = traceparent ? { requestId: request.id, traceparent } : { requestId: request.id };
    reply.header('X-Request-Id', request.id);
  });
  const rateLimit = createRateLimitGate({
    nc,
    rawConfig: (config as { rate_limits?: unknown }).rate_limits,
    logger,
    registry: metrics.registry,
  });
  app.addHook('onRequest', rateLimit.onRequest);
  app.addHook('onClose', async () => rateLimit.close());
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
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
  });
  installJsonBodyParser(app, { maxDepth: config.http.max_json_depth });
  installErrorHandling(app, logger);
  if (config.http.cors_origins.length > 0) {
    const any = config.http.cors_origins.includes('*');
    await app.register(cors, {
      origin: any ? true : config.http.cors_origins,
      credentials: !any,
      exposedHeaders: ['X-Request-Id', 'ETag', 'Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'If-Match',
        'X-Request-Id',
        'X-API-Key',
        'traceparent',
      ],
    });
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const result = await readiness(nc);
    return reply.code(result.ready ? 200 : 503).send(result);
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  const openapi = buildOpenApiDocument(API_VERSION);
  app.get(`${API_PREFIX}/openapi.json`, async () => openapi);

  const deps: RouteDeps = {
    nc,
    authGate: createAuthGate(nc, {
      ttlMs: options.authCacheTtlMs,
      timeoutMs: config.http.backend_timeout_ms,
    }),
    roles: config.roles,
    backendTimeoutMs: config.http.backend_timeout_ms,
    rateLimit,
  };
  const localHandlers: Record<string, LocalHandler> = {
    'auth.jwks': async (_principal, _input) =>
      (await callRpc(nc, RpcSubjects.jwks, {}, { timeoutMs: config.http.backend_timeout_ms })).data,
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
