import type { Principal } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { cacheKey, tenantKey } from './cache-key.js';
import { entityTag, matchesIfNoneMatch, requestDirectives } from './cache-policy.js';
import { type CachedAnswer, ResponseCache } from './response-cache.js';

const answer = (data: unknown): CachedAnswer => ({ status: 200, etag: '1', dataJson: JSON.stringify(data) });
const input = (query: Record<string, unknown> = {}) => ({ params: {}, query, body: undefined });
const principal = (over: Partial<Principal> = {}): Principal => ({
  sub: 'u1',
  tenant_id: 't1',
  roles: [{ role: 'viewer', scope: 'tenant:t1' }],
  credential: 'jwt',
  ...over,
});

function liveCache(maxBytes = 1_000_000) {
  const cache = new ResponseCache({ maxBytes, ttlMs: 60_000 });
  cache.feedCaughtUp();
  return cache;
}

describe('ResponseCache', () => {
  it('drops every entry of a tenant that changed, and only those', () => {
    const cache = liveCache();
    cache.store('t1:a', cache.ticket('t1'), answer('a'));
    cache.store('t1:b', cache.ticket('t1'), answer('b'));
    cache.store('t2:a', cache.ticket('t2'), answer('c'));
    cache.invalidateTenant('t1', 'change_feed');
    expect(cache.get('t1:a')).toBeUndefined();
    expect(cache.get('t1:b')).toBeUndefined();
    expect(cache.get('t2:a')?.dataJson).toBe('"c"');
  });

  it('refuses the answer of a read that started before a change of its tenant', () => {
    const cache = liveCache();
    const before = cache.ticket('t1');
    const otherTenant = cache.ticket('t2');
    cache.invalidateTenant('t1', 'local_write');
    expect(cache.store('t1:a', before, answer('stale'))).toBe(false);
    expect(cache.get('t1:a')).toBeUndefined();
    expect(cache.store('t2:a', otherTenant, answer('fine'))).toBe(true);
    expect(cache.store('t1:a', cache.ticket('t1'), answer('fresh'))).toBe(true);
  });

  it('serves and stores nothing while the feed is lost, and drops what it held', () => {
    const cache = liveCache();
    cache.store('t1:a', cache.ticket('t1'), answer('a'));
    const duringOutage = cache.ticket('t1');
    cache.feedLost();
    expect(cache.serving).toBe(false);
    expect(cache.get('t1:a')).toBeUndefined();
    expect(cache.store('t1:b', cache.ticket('t1'), answer('b'))).toBe(false);
    cache.feedCaughtUp();
    expect(cache.get('t1:a')).toBeUndefined();
    // A read that started before the loss must not land after the catch-up.
    expect(cache.store('t1:a', duringOutage, answer('stale'))).toBe(false);
    expect(cache.entries).toBe(0);
  });

  it('stays within its byte bound', () => {
    const cache = liveCache(64 * 1024);
    for (let i = 0; i < 1000; i++) cache.store(`t1:${i}`, cache.ticket('t1'), answer('x'.repeat(500)));
    expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(cache.entries).toBeGreaterThan(10);
    cache.invalidateTenant('t1', 'change_feed');
    expect(cache.bytes).toBe(0);
  });
});

describe('cache keys', () => {
  it('differ by tenant, subject, role bindings and credential, not by query order', () => {
    const base = cacheKey('applications.list', principal(), input({ page: 1, per_page: 10 }));
    expect(cacheKey('applications.list', principal(), input({ per_page: 10, page: 1 }))).toBe(base);
    expect(
      cacheKey('applications.list', principal({ tenant_id: 't2' }), input({ page: 1, per_page: 10 })),
    ).not.toBe(base);
    expect(
      cacheKey('applications.list', principal({ sub: 'u2' }), input({ page: 1, per_page: 10 })),
    ).not.toBe(base);
    const teamScoped = principal({ roles: [{ role: 'viewer', scope: 'team:frontend' }] });
    expect(cacheKey('applications.list', teamScoped, input({ page: 1, per_page: 10 }))).not.toBe(base);
    const apiKey = principal({ credential: 'api_key', credential_id: 'key_1' });
    expect(cacheKey('applications.list', apiKey, input({ page: 1, per_page: 10 }))).not.toBe(base);
    expect(base.startsWith(`${tenantKey(principal())}\u0000`)).toBe(true);
  });
});

describe('HTTP semantics', () => {
  it('bypasses on no-cache, no-store and max-age=0; stores again except on no-store', () => {
    expect(requestDirectives(undefined)).toEqual({ bypass: false, store: true });
    expect(requestDirectives('no-cache')).toEqual({ bypass: true, store: true });
    expect(requestDirectives('max-age=0')).toEqual({ bypass: true, store: true });
    expect(requestDirectives('No-Store, no-cache')).toEqual({ bypass: true, store: false });
    expect(requestDirectives('max-age=60')).toEqual({ bypass: false, store: true });
  });

  it('keeps the backend version as the tag, else digests the answer', () => {
    expect(entityTag('7', '{}')).toBe('7');
    const list = entityTag(undefined, '[1,2]', '{"page":1}');
    expect(list).toMatch(/^h-[A-Za-z0-9_-]{27}$/);
    expect(entityTag(undefined, '[1,2]', '{"page":2}')).not.toBe(list);
  });

  it('matches If-None-Match by weak comparison, in lists, and *', () => {
    expect(matchesIfNoneMatch('"7"', '7')).toBe(true);
    expect(matchesIfNoneMatch('W/"7"', '7')).toBe(true);
    expect(matchesIfNoneMatch('"1", "7"', '7')).toBe(true);
    expect(matchesIfNoneMatch('*', '7')).toBe(true);
    expect(matchesIfNoneMatch('"6"', '7')).toBe(false);
    expect(matchesIfNoneMatch(undefined, '7')).toBe(false);
  });
});
