import { describe, expect, it } from 'vitest';
import { principalFingerprint, RefusalCache } from './refusal-cache.js';

describe('refusal cache', () => {
  it('remembers a refusal for its TTL only', () => {
    const c = new RefusalCache(1_000, 10);
    c.add('p', 'application:x:status', 0);
    expect(c.has('p', 'application:x:status', 999)).toBe(true);
    expect(c.has('q', 'application:x:status', 999)).toBe(false);
    expect(c.has('p', 'application:x:status', 1_000)).toBe(false);
    expect(c.size).toBe(0);
  });

  it('is bounded: the oldest entries go first', () => {
    const c = new RefusalCache(60_000, 3);
    for (let i = 0; i < 5; i++) c.add('p', `t${i}`, 0);
    expect(c.size).toBe(3);
    expect(c.has('p', 't0', 1)).toBe(false);
    expect(c.has('p', 't4', 1)).toBe(true);
  });

  it("forgets one principal's refusals only", () => {
    const c = new RefusalCache(60_000, 10);
    c.add('p', 'a', 0);
    c.add('q', 'a', 0);
    c.forget('p');
    expect(c.has('p', 'a', 1)).toBe(false);
    expect(c.has('q', 'a', 1)).toBe(true);
  });

  it('keys principals by tenant, user, credential and roles', () => {
    const base = { sub: 'alice', tenant_id: 't1', roles: [], credential: 'jwt' as const };
    const admin = { ...base, roles: [{ role: 'admin', scope: 'tenant:t1' }] };
    expect(principalFingerprint(base)).toBe(principalFingerprint({ ...base, expires_at: 5 }));
    expect(principalFingerprint(base)).not.toBe(principalFingerprint(admin));
    expect(principalFingerprint(base)).not.toBe(principalFingerprint({ ...base, tenant_id: 't2' }));
  });
});
