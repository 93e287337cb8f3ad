import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseWrk } from '../wrk.js';
import { pairedRatio, spread } from './stats.js';

describe('spread', () => {
  it('gives the median of an even count as the mean of the middle two', () => {
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
  });
  it('ignores runs that produced no number', () => {
    expect(spread([Number.NaN, 5])).toEqual({ median: 5, min: 5, max: 5, n: 1 });
  });
  it('pairs ratios run by run', () => {
    expect(pairedRatio([10, 30], [20, 30]).max).toBe(1);
  });
});

describe('wrk output', () => {
  it('reads durations in every unit wrk prints', () => {
    expect([parseDurationMs('812.00us'), parseDurationMs('4.21ms'), parseDurationMs('1.02s')]).toEqual([
      0.812, 4.21, 1020,
    ]);
  });
  it('reads req/s, percentiles, non-2xx and socket errors', () => {
    const out = `  Latency Distribution\n     50%    1.50ms\n     75%    2.00ms\n     90%    3.00ms\n     99%   12.30ms\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 7\nRequests/sec:  10234.56\n`;
    expect(parseWrk(out)).toEqual({ rps: 10234.56, p50Ms: 1.5, p99Ms: 12.3, non2xx: 7, errors: 3 });
  });
});
