// Starts the ratelimit service on an open NATS connection (main.ts and tests both use this): lease
// requests in the `ratelimit` queue group, the config publisher and the readiness ping.
import { ApiError, LeaseRequest, RateLimitSubjects, RpcSubjects } from '@idp/contracts';
import { serveJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import { Compile } from 'typebox/compile';
import { startConfigPublisher } from './config-publisher.js';
import { CounterStore, openCounterBucket } from './counter-store.js';

export const RATELIMIT_QUEUE = 'ratelimit';
const checkLease = Compile(LeaseRequest);

export interface RateLimitServiceOptions {
  configPath: string;
  reloadDebounceMs?: number;
  announceMs?: number;
  clock?: () => number;
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
  const serve = (subject: string, handler: Parameters<typeof serveJson>[2]) =>
    serveJson(nc, subject, handler, { queue: RATELIMIT_QUEUE, logger });
  const subscriptions = [
    serve(RateLimitSubjects.lease, async (body) => {
      if (!checkLease.Check(body)) {
        throw new ApiError('VALIDATION_ERROR', 'Malformed lease request', { field: 'buckets' });
      }
      const grants = await Promise.all(body.buckets.map((bucket) => store.lease(bucket)));
      return { ok: true, status: 200, data: { grants } };
    }),
    serve(RpcSubjects.ping('ratelimit'), () => ({ ok: true, status: 200, data: { service: 'ratelimit' } })),
  ];
  return {
    store,
    config,
    stop() {
      config.stop();
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}
