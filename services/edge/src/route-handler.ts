// One handler per route of the table: authenticate, authorise, validate, forward over NATS, and
// answer in the envelope. The edge holds no business state; the backend's reply decides the data.
import {
  ApiError,
  AUTHENTICATED,
  type Principal,
  PUBLIC,
  type RouteDef,
  RpcSubjects,
  routePermission,
} from '@idp/contracts';
import { callRpc } from '@idp/nats';
import { evaluateRoute, type RoleCatalogue } from '@idp/rbac';
import { BreakerOpenError, type BreakerSet } from '@idp/resilience';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { createAuthGate } from './auth-gate.js';
import { credentialFrom } from './auth-gate.js';
import { inBatch } from './backend-batch.js';
import { isCacheable, isPlatformWrite } from './cache/cache-policy.js';
import type { ReadThrough } from './cache/read-through.js';
import { errorEnvelope, successEnvelope } from './envelope.js';
import { authenticateThenLimit, type RateLimitGate } from './rate-limit/index.js';
import { compileRouteValidator, type ValidatedInput } from './request-validation.js';

export interface RouteDeps {
  nc: NatsConnection;
  authGate: ReturnType<typeof createAuthGate>;
  roles: RoleCatalogue;
  backendTimeoutMs: number;
  rateLimit?: RateLimitGate;
  /** Per backend group; the group of a route is its `service` (the rate limiter's lease has its own fallback). */
  breakers: BreakerSet;
  /** The response cache's read and write paths; without it every read goes to the backend. */
  responses?: ReadThrough;
}

/** A route answered by the edge itself instead of a backend (no principal on PUBLIC routes). */
export type LocalHandler = (principal: Principal | undefined, input: ValidatedInput) => unknown;

export function createRouteHandler(route: RouteDef, deps: RouteDeps, local?: LocalHandler) {
  const validator = compileRouteValidator(route);
  const subject = RpcSubjects.route(route);
  const breaker = deps.breakers.get(backendGroup(route));
  const cachedReads = isCacheable(route) ? deps.responses : undefined;
  const writes = isPlatformWrite(route) ? deps.responses : undefined;

  async function handle(request: FastifyRequest, reply: FastifyReply) {
    const context = request.requestContext;
    if (route.permission === PUBLIC) {
      const input = validator.validate({ params: request.params, query: request.query, body: request.body });
      return reply.send(successEnvelope(context.requestId, await local!(undefined, input)));
    }
    const principal = await authenticateThenLimit(deps.rateLimit, request, reply, () =>
      deps.authGate.authenticate(credentialFrom(request.headers), context),
    );
    if (!principal) return reply;
    request.principal = principal;
    const input = validator.validate({ params: request.params, query: request.query, body: request.body });
    const permission = authorize(route, principal, input.params, deps.roles);

    if (local) return reply.send(successEnvelope(context.requestId, await local(principal, input)));

    const ifMatch = parseIfMatch(request.headers['if-match'], route);
    const body = { principal, ...input, permission, ...(ifMatch ? { if_match: ifMatch } : {}) };
    const call = () =>
      inBatch(() =>
        breaker.run(() => callRpc(deps.nc, subject, body, { timeoutMs: deps.backendTimeoutMs, context })),
      );
    if (cachedReads) return cachedReads.read(route.name, request, reply, principal, input, call);
    const result = await (writes ? writes.write(principal, call) : call());
    if (result.etag) reply.header('ETag', `"${result.etag}"`);
    if (result.status === 202 && isOperation(result.data)) {
      reply.header('Location', `/api/v1/operations/${result.data.operation_id}`);
    }
    return reply.code(result.status).send(successEnvelope(context.requestId, result.data, result.pagination));
  }
  return async function handleOrRefuse(request: FastifyRequest, reply: FastifyReply) {
    try {
      return await handle(request, reply);
    } catch (error) {
      if (!(error instanceof BreakerOpenError)) throw error;
      return reply
        .code(error.status)
        .header('Retry-After', String(error.retryAfterSeconds))
        .send(errorEnvelope(request.requestContext.requestId, error.toBody()));
    }
  };
}

/** The breaker group of a route: the backend service that answers it. */
export const backendGroup = (route: Pick<RouteDef, 'service'>): string => route.service ?? 'platform';

function authorize(
  route: RouteDef,
  principal: Principal,
  params: Record<string, string>,
  roles: RoleCatalogue,
): string {
  const permission = routePermission(route, params);
  // Sent along even then: the backend refuses a request that carries no checked permission.
  if (permission === AUTHENTICATED) return permission;
  // A route no team owns needs a tenant-scoped binding; on a team-owned route any team binding passes
  // here and the backend narrows it to the object's team (a team-scoped role covers that team only).
  const decision = evaluateRoute(principal, roles, route, permission);
  if (!decision.allowed) {
    throw new ApiError('FORBIDDEN', `Missing permission '${permission}'`, { permission });
  }
  return permission;
}

/** `If-Match: "3"` or `W/"3"` → `3`; only on routes that honour it. `*` means "any version". */
function parseIfMatch(header: string | undefined, route: RouteDef): string | undefined {
  if (!header || header.trim() === '*') return undefined;
  if (!route.conditional) {
    throw new ApiError('VALIDATION_ERROR', 'This endpoint does not take If-Match', {
      field: 'If-Match',
      reason: 'not supported here',
    });
  }
  const match = /^(?:W\/)?"?([A-Za-z0-9._-]{1,64})"?$/.exec(header.trim());
  if (!match) {
    throw new ApiError('VALIDATION_ERROR', 'If-Match must be a version such as "3"', {
      field: 'If-Match',
      reason: 'malformed',
    });
  }
  return match[1];
}

const isOperation = (data: unknown): data is { operation_id: string } =>
  typeof data === 'object' &&
  data !== null &&
  typeof (data as { operation_id?: unknown }).operation_id === 'string';
