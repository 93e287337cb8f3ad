import { describe, expect, it } from 'vitest';
import { ByteLru, type RemovalReason } from './byte-lru.js';

function lru(maxBytes: number) {
  let now = 1_000;
  const removed: [string, RemovalReason][] = [];
  const cache = new ByteLru<string>({
    maxBytes,
    now: () => now,
    onRemove: (key, _value, reason) => removed.push([key, reason]),
  });
  return { cache, removed, advance: (ms: number) => (now += ms) };
}

describe('ByteLru', () => {
  it('evicts the least recently used entries once the bytes exceed the bound', () => {
    const { cache, removed } = lru(100);
    cache.set('a', 'A', 40, 60_000);
    cache.set('b', 'B', 40, 60_000);
    expect(cache.get('a')).toBe('A'); // a is now the most recently used
    cache.set('c', 'C', 40, 60_000);
    expect(removed).toEqual([['b', 'evicted']]);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.bytes).toBe(80);
    expect(cache.size).toBe(2);
  });

  it('evicts as many entries as a large one needs, and never stores one larger than the bound', () => {
    const { cache, removed } = lru(100);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, key, 25, 60_000);
    cache.set('big', 'BIG', 70, 60_000);
    expect(removed.map(([key]) => key)).toEqual(['a', 'b', 'c']);
    expect(cache.set('huge', 'HUGE', 101, 60_000)).toBe(false);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.bytes).toBe(95);
  });

  it('expires entries after their ttl', () => {
    const { cache, removed, advance } = lru(100);
    cache.set('a', 'A', 10, 500);
    advance(499);
    expect(cache.get('a')).toBe('A');
    advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(removed).toEqual([['a', 'expired']]);
    expect(cache.bytes).toBe(0);
  });

  it('replaces a value in place, counting only its new size', () => {
    const { cache, removed } = lru(100);
    cache.set('a', 'A1', 60, 60_000);
    cache.set('a', 'A2', 30, 60_000);
    expect(cache.get('a')).toBe('A2');
    expect(cache.bytes).toBe(30);
    expect(removed).toEqual([]);
  });

  it('reports deletions and clears', () => {
    const { cache, removed } = lru(100);
    cache.set('a', 'A', 10, 60_000);
    cache.set('b', 'B', 10, 60_000);
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    cache.clear();
    expect(removed).toEqual([
      ['a', 'deleted'],
      ['b', 'deleted'],
    ]);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
});
