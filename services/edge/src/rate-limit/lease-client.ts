// Asks the ratelimit service for token leases over NATS. A request that fails (the instance died
// mid-request, a timeout) is retried once: the queue group hands it to another instance.
import { type LeaseBucketRequest, type LeaseGrant, type LeaseReply, RateLimitSubjects } from '@idp/contracts';
import { callRpc } from '@idp/nats';
import type { NatsConnection } from '@nats-io/transport-node';

export interface LeaseTransport {
  /**
   * Resolves with one grant per bucket, in order (a grant may carry a per-bucket `error`); rejects only
   * when no instance could answer at all.
   */
  lease(buckets: LeaseBucketRequest[]): Promise<LeaseGrant[]>;
}

const ATTEMPTS = 2;

export function natsLeaseTransport(nc: NatsConnection, timeoutMs: () => number): LeaseTransport {
  return {
    async lease(buckets) {
      let lastError: unknown;
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        try {
          const reply = await callRpc(nc, RateLimitSubjects.lease, { buckets }, { timeoutMs: timeoutMs() });
          const grants = (reply.data as LeaseReply | undefined)?.grants;
          if (!Array.isArray(grants)) throw new Error('lease reply without grants');
          // Matched to the buckets by position; a missing or failed one is that bucket's error only.
          return grants;
        } catch (error) {
          lastError = error;
          // Only transport failures deserve a second instance; a refusal of the request would repeat.
          const code = (error as { code?: string }).code;
          if (code !== 'SERVICE_UNAVAILABLE' && code !== 'GATEWAY_TIMEOUT') break;
        }
      }
      throw lastError;
    },
  };
}
