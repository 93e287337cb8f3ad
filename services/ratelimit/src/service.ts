// Starts the ratelimit service on an open NATS connection (main.ts and tests both use this): lease
// requests in the `ratelimit` queue group, the config publisher and the readiness ping.
import {
  ApiError,
  type LeaseBucketError,
  LeaseBucketRequest,
  type LeaseGrant,
  RateLimitSubjects,
  RpcSubjects,
} from '@idp/contracts';
import { serveJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { Registry } from '@idp/service-kit';
import type { NatsConnection } from '@nats-io/transport-node';
import { Compile } from 'typebox/compile';
import { startConfigPublisher } from './config-publisher.js';
import { CounterStore, openCounterBucket } from './counter-store.js';
import { createRateLimitMetrics } from './metrics.js';

export const RATELIMIT_QUEUE = 'ratelimit';
/** As `LeaseRequest.buckets`; each bucket is then checked on its own. */
const MAX_BUCKETS = 32;
const checkBucket = Compile(LeaseBucketRequest);

export interface RateLimitServiceOptions {
  configPath: string;
  reloadDebounceMs?: number;
  announceMs?: number;
  clock?: () => number;
  /** Where the service's own metrics go (the probe port's registry); a throwaway one without. */
  registry?: Registry;
}

export async function startRateLimitService(
  nc: NatsConnection,
  options: RateLimitServiceOptions,
  logger: Logger,
) {
  const store = new CounterStore(await openCounterBucket(nc), logger, options.clock);
  const config = await startConfigPublisher(
    nc,
    {
      path: options.configPath,
      debounceMs: options.reloadDebounceMs ?? 200,
      announceMs: options.announceMs ?? 30_000,
      queue: RATELIMIT_QUEUE,
    },
    logger,
  );
  const metrics = createRateLimitMetrics(options.registry ?? new Registry());
  const serve = (subject: string, handler: Parameters<typeof serveJson>[2]) =>
    serveJson(nc, subject, handler, { queue: RATELIMIT_QUEUE, logger });
  const subscriptions = [
    serve(RateLimitSubjects.lease, async (body) => {
      const grants = await leaseEach(store, bucketsOf(body), logger);
      metrics.leased(grants);
      return { ok: true, status: 200, data: { grants } };
    }),
    serve(RpcSubjects.ping('ratelimit'), () => ({ ok: true, status: 200, data: { service: 'ratelimit' } })),
  ];
  // The server knows our subscriptions once this round trip ends: a caller on another connection
  // that starts right after us is answered, not told "no responders".
  await nc.flush();
  return {
    store,
    config,
    stop() {
      config.stop();
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

/** Only a request that is not a list of buckets at all is refused as a whole. */
function bucketsOf(body: unknown): unknown[] {
  const buckets = (body as { buckets?: unknown } | null)?.buckets;
  if (!Array.isArray(buckets) || buckets.length === 0 || buckets.length > MAX_BUCKETS) {
    throw new ApiError('VALIDATION_ERROR', `A lease request carries 1 to ${MAX_BUCKETS} buckets`, {
      field: 'buckets',
    });
  }
  return buckets;
}

/**
 * One grant per bucket, in order. A bucket that is malformed or whose counter fails gets an error
 * grant of its own: one bad bucket is that bucket's error, never an outage for the batch.
 */
function leaseEach(store: CounterStore, buckets: unknown[], logger: Logger): Promise<LeaseGrant[]> {
  return Promise.all(
    buckets.map(async (bucket): Promise<LeaseGrant> => {
      const key = String((bucket as { key?: unknown } | null)?.key ?? '').slice(0, 512);
      if (!checkBucket.Check(bucket)) return refusedBucket(key, 'INVALID_BUCKET');
      try {
        return await store.lease(bucket);
      } catch (error) {
        logger.error({ err: error, key }, 'counter store failed for one bucket');
        return refusedBucket(key, 'STORE_FAILED');
      }
    }),
  );
}

export const refusedBucket = (key: string, error: LeaseBucketError): LeaseGrant => ({
  key,
  granted: 0,
  window: 0,
  remaining: 0,
  reset_in_ms: 0,
  error,
});
