// The edge's response cache (docs/caching.md), assembled for app.ts: the cache, the change feed that
// keeps it honest, its metrics, and the read/write paths the route handler takes.
import type { GatewayConfig } from '@idp/config';
import type { Logger } from '@idp/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Registry } from 'prom-client';
import { createCacheMetrics } from './cache-metrics.js';
import { followChangeFeed } from './change-feed.js';
import { createReadThrough, type ReadThrough } from './read-through.js';
import { ResponseCache } from './response-cache.js';

export interface ResponseCaching {
  readThrough: ReadThrough;
  close(): void;
}

export function createResponseCaching(options: {
  nc: NatsConnection;
  config: GatewayConfig['response_cache'] | undefined;
  logger: Logger;
  registry: Registry;
}): ResponseCaching {
  const { config } = options;
  if (!config?.enabled) return { readThrough: createReadThrough(undefined), close: () => undefined };
  const metrics = createCacheMetrics(options.registry);
  const cache = new ResponseCache({ maxBytes: config.max_bytes, ttlMs: config.ttl_ms, observer: metrics });
  metrics.watch(cache);
  const feed = followChangeFeed(options.nc, cache, options.logger.child({ component: 'response-cache' }));
  return { readThrough: createReadThrough(cache, metrics), close: () => feed.stop() };
}
