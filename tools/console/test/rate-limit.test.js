import { describe, expect, it } from 'vitest';
import { parseRateLimit } from '../src/rate-limit.js';

describe('the RateLimit headers', () => {
  it('give the remaining requests, the limit of the same policy and the reset', () => {
    expect(parseRateLimit('"per_user";r=42;t=17', '"per_user";q=100;w=60')).toEqual({
      policy: 'per_user',
      remaining: 42,
      resetS: 17,
      limit: 100,
      windowS: 60,
    });
  });

  it('leave the limit out when the policy header names another policy', () => {
    expect(parseRateLimit('"per_tenant";r=5;t=1', '"per_user";q=100;w=60')?.limit).toBeUndefined();
  });

  it('are ignored when missing or malformed', () => {
    expect(parseRateLimit(null, null)).toBeUndefined();
    expect(parseRateLimit('per_user;r=1', null)).toBeUndefined();
    expect(parseRateLimit('"per_user";t=3', null)).toBeUndefined();
  });
});
