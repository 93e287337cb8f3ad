import { describe, expect, it } from 'vitest';
import { steadyRate } from './fanout.js';

const t0 = 1_700_000_000_000;

describe('steadyRate', () => {
  it('reads deliveries per second from the count marks between 10 % and 100 % of the run', () => {
    // 1,000 deliveries per mark, one mark per ms for 10 s: 1M deliveries/s.
    const marks = Array.from({ length: 10_000 }, (_, i) => t0 + i);
    const rate = steadyRate({ marks, markEvery: 1_000 }, 10);
    expect(rate.msgsPerSec).toBeCloseTo(1_000_000, -3);
    expect(rate.deliveredSeconds).toBeCloseTo(8.999, 2);
  });

  it('leaves out a slow start and the drain after sending', () => {
    const start = Array.from({ length: 10 }, (_, i) => t0 + i * 100); // 10 marks in the first second
    const steady = Array.from({ length: 4_000 }, (_, i) => t0 + 1_000 + i * 2); // 500 marks/s
    const drain = Array.from({ length: 100 }, (_, i) => t0 + 10_001 + i);
    const rate = steadyRate({ marks: [...start, ...steady, ...drain], markEvery: 100 }, 10);
    expect(rate.msgsPerSec).toBeCloseTo(50_000, -2);
  });

  it('is 0 when nothing, or nothing after the start-up, was delivered', () => {
    expect(steadyRate({ marks: [], markEvery: 1_000 }, 10).msgsPerSec).toBe(0);
    expect(steadyRate({ marks: [t0, t0 + 5], markEvery: 1_000 }, 10).msgsPerSec).toBe(0);
  });
});
