// How the route handler uses the response cache: cacheable GETs are looked up, fetched on a miss and
// stored; every answer to them carries an ETag and honours If-None-Match (304, with the cache on or
// off); a write to the platform drops its tenant's entries before its answer is sent, so the caller's
// next read through this edge sees it (read-your-writes).
import type { Pagination, Principal } from '@idp/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { meta } from '../envelope.js';
import type { ValidatedInput } from '../request-validation.js';
import { cacheKey, tenantKey } from './cache-key.js';
import type { CacheMetrics } from './cache-metrics.js';
import { entityTag, matchesIfNoneMatch, requestDirectives } from './cache-policy.js';
import type { CachedAnswer, ResponseCache } from './response-cache.js';

export interface BackendAnswer {
  status: number;
  data: unknown;
  pagination?: Pagination;
  etag?: string;
}

export interface ReadThrough {
  read(
    routeName: string,
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    input: ValidatedInput,
    fetch: () => Promise<BackendAnswer>,
  ): Promise<FastifyReply>;
  write<T>(principal: Principal, send: () => Promise<T>): Promise<T>;
}

/** Without a cache (`response_cache.enabled: false`) reads still get ETags and 304s. */
export function createReadThrough(cache: ResponseCache | undefined, metrics?: CacheMetrics): ReadThrough {
  return {
    async read(routeName, request, reply, principal, input, fetch) {
      const directives = requestDirectives(request.headers['cache-control']);
      const key = cache && cacheKey(routeName, principal, input);
      if (cache && key && !directives.bypass) {
        const hit = cache.get(key);
        if (hit) {
          metrics?.lookup(routeName, 'hit');
          return answer(request, reply, hit, 'HIT');
        }
      }
      if (cache) {
        metrics?.lookup(routeName, directives.bypass ? 'bypass' : cache.serving ? 'miss' : 'unavailable');
      }
      const ticket = cache?.ticket(tenantKey(principal));
      const fresh = toCachedAnswer(await fetch());
      if (cache && key && ticket && directives.store && fresh.status === 200) cache.store(key, ticket, fresh);
      return answer(request, reply, fresh, !cache ? undefined : directives.bypass ? 'BYPASS' : 'MISS');
    },
    async write(principal, send) {
      try {
        return await send();
      } finally {
        // Also after a failure or timeout: the write may have landed all the same.
        cache?.invalidateTenant(tenantKey(principal), 'local_write');
      }
    },
  };
}

function toCachedAnswer(result: BackendAnswer): CachedAnswer {
  const dataJson = JSON.stringify(result.data ?? null);
  const paginationJson = result.pagination ? JSON.stringify(result.pagination) : undefined;
  return {
    status: result.status,
    etag: entityTag(result.etag, dataJson, paginationJson),
    dataJson,
    ...(paginationJson !== undefined && { paginationJson }),
  };
}

function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  cached: CachedAnswer,
  cacheStatus: 'HIT' | 'MISS' | 'BYPASS' | undefined,
): FastifyReply {
  // private: the answer is one principal's view, never for a shared cache; no-cache: revalidate
  // (with If-None-Match) before reusing it, since any write of the tenant may change it.
  reply.header('ETag', `"${cached.etag}"`).header('Cache-Control', 'private, no-cache');
  if (cacheStatus) reply.header('X-Cache-Status', cacheStatus);
  if (matchesIfNoneMatch(request.headers['if-none-match'], cached.etag)) return reply.code(304).send();
  return reply
    .code(cached.status)
    .type('application/json; charset=utf-8')
    .send(envelopeJson(request.requestContext.requestId, cached));
}

/** The success envelope of spec §3.3 around already-serialised data, in successEnvelope's key order. */
function envelopeJson(requestId: string, cached: CachedAnswer): string {
  const pagination = cached.paginationJson === undefined ? '' : `,"pagination":${cached.paginationJson}`;
  return `{"success":true,"data":${cached.dataJson},"meta":${JSON.stringify(meta(requestId))}${pagination}}`;
}
