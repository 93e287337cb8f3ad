// A short memory of "this principal may not read this topic", shared by the connections of an
// instance, so a client that repeats refused subscribes does not make the platform answer them again.
// Bounded in size (oldest entries go first) and in time; a re-authentication forgets its principal's.
import { createHash } from 'node:crypto';
import type { Principal } from '@idp/contracts';

/** The identity a decision depends on: who, in which tenant, through which credential, with which roles. */
export function principalFingerprint(p: Principal): string {
  return createHash('sha256')
    .update(JSON.stringify([p.tenant_id, p.sub, p.credential ?? '', p.credential_id ?? '', p.roles ?? []]))
    .digest('base64url');
}

export class RefusalCache {
  /** Insertion order is age order: the first entry is the oldest. */
  private readonly entries = new Map<string, { principal: string; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(principal: string, topic: string, now = Date.now()): boolean {
    const key = `${principal}\n${topic}`;
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (entry.until > now) return true;
    this.entries.delete(key);
    return false;
  }

  add(principal: string, topic: string, now = Date.now()): void {
    if (this.ttlMs <= 0 || this.maxEntries <= 0) return;
    const key = `${principal}\n${topic}`;
    this.entries.delete(key);
    this.entries.set(key, { principal, until: now + this.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /** Drops every refusal of a principal (its rights may have changed). */
  forget(principal: string): void {
    for (const [key, entry] of this.entries) if (entry.principal === principal) this.entries.delete(key);
  }
}
