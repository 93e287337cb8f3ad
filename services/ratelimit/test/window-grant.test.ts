import { describe, expect, it } from 'vitest';
import { grantTokens, LEASE_SHARE_DIVISOR } from '../src/window-grant.js';

const request = { key: 'u.m.x', limit: 10, window_ms: 60_000, want: 100 };

describe('grantTokens', () => {
  it('opens a window at the first request and never grants more than a share of what is left', () => {
    const { grant, next } = grantTokens(undefined, request, 1_000);
    expect(grant).toMatchObject({
      granted: Math.ceil(10 / LEASE_SHARE_DIVISOR),
      window: 1_000,
      reset_in_ms: 60_000,
    });
    expect(next).toEqual({ start_ms: 1_000, window_ms: 60_000, count: grant.granted });
  });

  it('grants the last token and then refuses without a write until the window ends', () => {
    const full = { start_ms: 0, window_ms: 60_000, count: 9 };
    expect(grantTokens(full, request, 59_999).grant).toMatchObject({
      granted: 1,
      remaining: 0,
      reset_in_ms: 1,
    });
    const done = grantTokens({ ...full, count: 10 }, request, 59_999);
    expect(done.grant.granted).toBe(0);
    expect(done.next).toBeUndefined();
  });

  it('resets exactly at the window edge', () => {
    const full = { start_ms: 0, window_ms: 60_000, count: 10 };
    const { grant, next } = grantTokens(full, request, 60_000);
    expect(grant.granted).toBeGreaterThan(0);
    expect(grant.window).toBe(60_000);
    expect(next?.start_ms).toBe(60_000);
  });

  it('honours a limit lowered by a reload within the running window', () => {
    const state = { start_ms: 0, window_ms: 60_000, count: 8 };
    expect(grantTokens(state, { ...request, limit: 5 }, 10).grant).toMatchObject({
      granted: 0,
      remaining: 0,
    });
  });
});

describe('grantTokens for waiting requests', () => {
  it('grants at least what the edge has waiting, never more than is left', () => {
    const state = { start_ms: 0, window_ms: 60_000, count: 4 };
    const ask = { key: 'u.m.x', limit: 15, window_ms: 60_000, want: 50 };
    expect(grantTokens(state, ask, 10).grant.granted).toBe(3); // a quarter of the 11 left
    expect(grantTokens(state, { ...ask, need: 8 }, 10).grant.granted).toBe(8);
    expect(grantTokens(state, { ...ask, need: 30 }, 10).grant).toMatchObject({ granted: 11, remaining: 0 });
  });
});
