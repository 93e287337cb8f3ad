// Shared window counters in a JetStream KV bucket, changed only by compare-and-set on the entry's
// revision: any number of ratelimit instances can grant from the same counter and the sum of their
// grants never exceeds the limit. Each instance remembers the last revision it saw, so a counter
// that one instance serves steadily costs one KV write per lease and no read.
import { KvBuckets, type LeaseBucketRequest, type LeaseGrant } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import { JetStreamApiError } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { grantTokens, type WindowState } from './window-grant.js';

const MAX_CAS_ATTEMPTS = 12;
const MAX_CACHED = 50_000;
/** JetStream's "wrong last sequence" codes: someone else wrote the counter first. */
const CAS_CONFLICT = new Set([10071, 10164]);

interface Cached {
  revision: number;
  /** Undefined when the key's last operation was a delete. */
  state?: WindowState;
}

export async function openCounterBucket(nc: NatsConnection): Promise<KV> {
  // Created by the setup step (with its TTL); the ratelimit user may use it, not create it.
  return new Kvm(nc).open(KvBuckets.rateLimitCounters);
}

export class CounterStore {
  private readonly cache = new Map<string, Cached>();
  /** Per-key queue: this instance never races itself on one counter. */
  private readonly chains = new Map<string, Promise<unknown>>();
  conflicts = 0;

  constructor(
    private readonly kv: KV,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  lease(request: LeaseBucketRequest): Promise<LeaseGrant> {
    const previous = this.chains.get(request.key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.leaseWithRetry(request));
    this.chains.set(request.key, run);
    void run
      .finally(() => {
        if (this.chains.get(request.key) === run) this.chains.delete(request.key);
      })
      .catch(() => undefined);
    return run;
  }

  private async leaseWithRetry(request: LeaseBucketRequest): Promise<LeaseGrant> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const cached = this.cache.get(request.key) ?? (await this.read(request.key));
      const { grant, next } = grantTokens(cached?.state, request, this.clock());
      if (!next) return grant;
      try {
        const revision = await this.write(request.key, next, cached?.revision);
        this.remember(request.key, { revision, state: next });
        return grant;
      } catch (error) {
        if (!isConflict(error)) throw error;
        this.conflicts++;
        this.cache.delete(request.key);
      }
    }
    this.logger.warn({ key: request.key }, 'counter too contended, granting nothing this time');
    return { key: request.key, granted: 0, window: 0, remaining: 0, reset_in_ms: 0, error: 'CONTENDED' };
  }

  private async read(key: string): Promise<Cached | undefined> {
    const entry = await this.kv.get(key);
    if (!entry) return undefined;
    if (entry.operation !== 'PUT' || entry.length === 0) return { revision: entry.revision };
    return { revision: entry.revision, state: entry.json<WindowState>() };
  }

  private write(key: string, state: WindowState, revision: number | undefined): Promise<number> {
    const data = JSON.stringify(state);
    // A key that was never written (or only deleted) is created; create refuses if it now exists.
    return revision === undefined ? this.kv.create(key, data) : this.kv.update(key, data, revision);
  }

  private remember(key: string, value: Cached) {
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, value);
  }
}

function isConflict(error: unknown): boolean {
  if (error instanceof JetStreamApiError && CAS_CONFLICT.has(error.code)) return true;
  return /wrong last sequence|key exists/i.test(String((error as Error)?.message));
}
