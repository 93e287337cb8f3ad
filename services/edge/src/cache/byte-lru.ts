// A least-recently-used map bounded by bytes, not by entry count: cached responses range from a few
// hundred bytes (one application) to hundreds of kilobytes (a long list), so a count bound says
// nothing about memory. A JS Map keeps insertion order, so "move to the back on use" is a delete and a
// set, and the least recently used entry is always the first one: every operation is O(1).

export type RemovalReason = 'evicted' | 'expired' | 'deleted';

interface Slot<V> {
  value: V;
  bytes: number;
  expiresAt: number;
}

export interface ByteLruOptions<V> {
  maxBytes: number;
  /** Called for every entry that leaves the cache, whatever the reason (not for a replaced value). */
  onRemove?: (key: string, value: V, reason: RemovalReason) => void;
  /** Injected in tests; milliseconds. */
  now?: () => number;
}

export class ByteLru<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private totalBytes = 0;
  private readonly now: () => number;

  constructor(private readonly options: ByteLruOptions<V>) {
    this.now = options.now ?? Date.now;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.slots.size;
  }

  /** The value, made most recently used; undefined when absent or expired (an expired one is removed). */
  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= this.now()) {
      this.remove(key, slot, 'expired');
      return undefined;
    }
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.value;
  }

  /**
   * Stores a value of `bytes` for `ttlMs`, evicting the least recently used entries to make room.
   * A value larger than the whole bound is not stored (it would evict everything and then itself).
   */
  set(key: string, value: V, bytes: number, ttlMs: number): boolean {
    const previous = this.slots.get(key);
    if (previous) {
      this.slots.delete(key);
      this.totalBytes -= previous.bytes;
    }
    if (bytes > this.options.maxBytes) {
      if (previous) this.options.onRemove?.(key, previous.value, 'deleted');
      return false;
    }
    this.slots.set(key, { value, bytes, expiresAt: this.now() + ttlMs });
    this.totalBytes += bytes;
    this.evictOverflow();
    return true;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (!slot) return false;
    this.remove(key, slot, 'deleted');
    return true;
  }

  clear(): void {
    for (const [key, slot] of [...this.slots]) this.remove(key, slot, 'deleted');
  }

  private evictOverflow(): void {
    while (this.totalBytes > this.options.maxBytes) {
      const oldest = this.slots.entries().next();
      if (oldest.done) return;
      const [key, slot] = oldest.value;
      this.remove(key, slot, slot.expiresAt <= this.now() ? 'expired' : 'evicted');
    }
  }

  private remove(key: string, slot: Slot<V>, reason: RemovalReason): void {
    this.slots.delete(key);
    this.totalBytes -= slot.bytes;
    this.options.onRemove?.(key, slot.value, reason);
  }
}
