// The `response_cache:` section of config/gateway.yaml: the edge's cache of read-heavy GETs
// (docs/caching.md). Entries are dropped by the platform's events; `ttl_ms` only bounds how long an
// entry may live if an event was ever missed, and `max_bytes` bounds the memory of each edge.
import Type, { type Static } from 'typebox';

export const ResponseCacheConfig = Type.Object(
  {
    /** Off: every read goes to the backend (ETag and If-None-Match → 304 still work). */
    enabled: Type.Boolean({ default: true }),
    /** Memory bound of one edge instance: least recently used entries are evicted past it. */
    max_bytes: Type.Integer({ minimum: 65_536, maximum: 4 * 1024 * 1024 * 1024, default: 67_108_864 }),
    /** Longest life of an entry, a safety net behind event invalidation. */
    ttl_ms: Type.Integer({ minimum: 100, maximum: 86_400_000, default: 60_000 }),
  },
  { additionalProperties: false, default: {} },
);
export type ResponseCacheConfig = Static<typeof ResponseCacheConfig>;
