// The response cache's Prometheus metrics, registered in the edge's registry (served on the probe port).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RemovalReason } from './byte-lru.js';
import type { InvalidationSource, ResponseCache, ResponseCacheObserver } from './response-cache.js';

/** hit: served from the cache; miss: asked the backend; bypass: `Cache-Control: no-cache`;
 * unavailable: the change feed is not current, so the cache may not answer. */
export type LookupResult = 'hit' | 'miss' | 'bypass' | 'unavailable';

export interface CacheMetrics extends ResponseCacheObserver {
  lookup(route: string, result: LookupResult): void;
  /** Reads the size gauges from this cache at each scrape. */
  watch(cache: ResponseCache): void;
}

const REMOVAL_LABEL: Record<RemovalReason, string> = {
  evicted: 'capacity',
  expired: 'ttl',
  deleted: 'invalidated',
};

export function createCacheMetrics(registry: Registry): CacheMetrics {
  let watched: ResponseCache | undefined;
  const lookups = new Counter({
    name: 'idp_edge_cache_requests_total',
    help: 'Cacheable reads by route and result (hit, miss, bypass, unavailable)',
    labelNames: ['route', 'result'] as const,
    registers: [registry],
  });
  const evictions = new Counter({
    name: 'idp_edge_cache_evictions_total',
    help: 'Entries that left the response cache, by reason (capacity, ttl, invalidated)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const invalidations = new Counter({
    name: 'idp_edge_cache_invalidations_total',
    help: 'Tenant-wide drops of the response cache, by source (local_write, change_feed, feed_lost)',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'idp_edge_cache_bytes',
    help: 'Bytes held by the response cache (strings at two bytes a character plus bookkeeping)',
    registers: [registry],
    collect() {
      this.set(watched?.bytes ?? 0);
    },
  });
  new Gauge({
    name: 'idp_edge_cache_entries',
    help: 'Entries in the response cache',
    registers: [registry],
    collect() {
      this.set(watched?.entries ?? 0);
    },
  });
  new Gauge({
    name: 'idp_edge_cache_feed_current',
    help: '1 while the change feed is current and the response cache may serve, else 0',
    registers: [registry],
    collect() {
      this.set(watched?.serving ? 1 : 0);
    },
  });
  return {
    lookup: (route, result) => lookups.inc({ route, result }),
    removed: (reason, count) => evictions.inc({ reason: REMOVAL_LABEL[reason] }, count),
    invalidated: (source: InvalidationSource) => invalidations.inc({ source }),
    watch: (cache) => {
      watched = cache;
    },
  };
}
