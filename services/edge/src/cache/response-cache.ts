// The edge's cache of read answers: a byte-bounded LRU plus the rules that keep it from ever serving
// something older than a change it has heard of.
//
// Granularity: any change of a tenant drops every entry of that tenant. A change to one application
// alters its own reads, but also the application lists, its team's lists, the diff, and the operations
// it started, and which of those a given change touches is the platform's business logic; mapping
// changes to keys at the edge would be a second copy of it, wrong the day the platform changes. Tenant-
// wide drops are correct by construction and cost a refetch per entry, only for the tenant that wrote.
//
// Ordering: a read that started before a change may come back after it with the old answer. Each read
// takes a ticket (the tenant's generation and the cache's epoch) before it asks the backend, and its
// answer is stored only if neither moved meanwhile. Generations only grow, so no interleaving of a slow
// read with a change can store the older answer after the change dropped the entries.
import { ByteLru, type RemovalReason } from './byte-lru.js';

export interface CachedAnswer {
  status: number;
  /** Unquoted entity tag (the object's version, or a digest of the answer). */
  etag: string;
  /** The envelope's `data`, already JSON: a hit costs no serialisation. */
  dataJson: string;
  paginationJson?: string;
}

export interface ReadTicket {
  readonly tenant: string;
  readonly generation: number;
  readonly epoch: number;
}

export type InvalidationSource = 'local_write' | 'change_feed' | 'feed_lost';

export interface ResponseCacheObserver {
  removed(reason: RemovalReason, count: number): void;
  invalidated(source: InvalidationSource): void;
}

export interface ResponseCacheOptions {
  maxBytes: number;
  ttlMs: number;
  observer?: ResponseCacheObserver;
  now?: () => number;
}

/** Bookkeeping per entry beyond its strings: Map slots, the object, the tenant index. */
const ENTRY_OVERHEAD_BYTES = 256;

export class ResponseCache {
  private readonly lru: ByteLru<{ tenant: string; answer: CachedAnswer }>;
  /** Keys per tenant, so a tenant's entries can be dropped without scanning the whole cache. */
  private readonly byTenant = new Map<string, Set<string>>();
  /** Bumped on each change of a tenant; a tenant never seen has generation 0. */
  private readonly generations = new Map<string, number>();
  /** Bumped when the whole cache is dropped (the change feed was lost). */
  private epoch = 0;
  private feedCurrent = false;

  constructor(private readonly options: ResponseCacheOptions) {
    this.lru = new ByteLru({
      maxBytes: options.maxBytes,
      ...(options.now && { now: options.now }),
      onRemove: (key, entry, reason) => {
        const keys = this.byTenant.get(entry.tenant);
        keys?.delete(key);
        if (keys?.size === 0) this.byTenant.delete(entry.tenant);
        options.observer?.removed(reason, 1);
      },
    });
  }

  /** Whether entries may be served and stored: only while the change feed is known to be current. */
  get serving(): boolean {
    return this.feedCurrent;
  }

  get bytes(): number {
    return this.lru.bytes;
  }

  get entries(): number {
    return this.lru.size;
  }

  get(key: string): CachedAnswer | undefined {
    if (!this.feedCurrent) return undefined;
    return this.lru.get(key)?.answer;
  }

  /** Taken before the backend is asked; `store` refuses the answer if a change came in between. */
  ticket(tenant: string): ReadTicket {
    return { tenant, generation: this.generations.get(tenant) ?? 0, epoch: this.epoch };
  }

  store(key: string, ticket: ReadTicket, answer: CachedAnswer): boolean {
    if (!this.feedCurrent || ticket.epoch !== this.epoch) return false;
    if ((this.generations.get(ticket.tenant) ?? 0) !== ticket.generation) return false;
    const bytes =
      2 * (key.length + answer.dataJson.length + (answer.paginationJson?.length ?? 0) + answer.etag.length) +
      ENTRY_OVERHEAD_BYTES;
    const stored = this.lru.set(key, { tenant: ticket.tenant, answer }, bytes, this.options.ttlMs);
    if (stored) {
      const keys = this.byTenant.get(ticket.tenant);
      if (keys) keys.add(key);
      else this.byTenant.set(ticket.tenant, new Set([key]));
    }
    return stored;
  }

  /** A change of `tenant`: drop its entries, and refuse answers of reads that started before now. */
  invalidateTenant(tenant: string, source: InvalidationSource): void {
    this.generations.set(tenant, (this.generations.get(tenant) ?? 0) + 1);
    const keys = this.byTenant.get(tenant);
    if (keys) for (const key of [...keys]) this.lru.delete(key);
    this.options.observer?.invalidated(source);
  }

  /**
   * The change feed was lost (a disconnect, a subscription error): changes may go unheard, so nothing
   * is served or stored until `feedCaughtUp`, and what was cached is dropped.
   */
  feedLost(): void {
    const wasCurrent = this.feedCurrent;
    this.feedCurrent = false;
    this.dropAll();
    if (wasCurrent) this.options.observer?.invalidated('feed_lost');
  }

  /** The feed is live again: every change from now on is heard. Entries cached before are gone. */
  feedCaughtUp(): void {
    this.dropAll();
    this.feedCurrent = true;
  }

  private dropAll(): void {
    // A new epoch refuses every ticket taken before, so the generations can start over (and the map
    // of tenants ever heard of does not grow for the life of the process).
    this.epoch++;
    this.generations.clear();
    this.lru.clear();
  }
}
