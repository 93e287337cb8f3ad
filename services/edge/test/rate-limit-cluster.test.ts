// Two edges and two ratelimit instances against one nats-server: a limit of N admits at most N
// (tolerance 0 above; below, at most the tokens leased by an instance that died before answering),
// including when one ratelimit instance is SIGKILLed mid-run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RateLimitHarness, startRateLimitHarness, tokenFor } from './rate-limit-harness.js';

const LIMIT = 40;
const LEASE = 5;
let h: RateLimitHarness;

beforeAll(async () => {
  h = await startRateLimitHarness({
    rateLimits: {
      global: { requests_per_minute: 100_000 },
      per_user: { requests_per_hour: LIMIT },
      lease_size: LEASE,
      // Fail closed here so that any degraded decision would show up as a 503, never as an admission.
      on_unavailable: 'deny',
    },
    edges: 2,
    ratelimitInstances: 2,
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** Sends `total` requests in concurrent waves alternating over both edges; returns status counts. */
async function burst(token: string, total: number, onWave?: (wave: number) => Promise<void>) {
  const counts: Record<number, number> = {};
  const waveSize = 8;
  for (let wave = 0; wave * waveSize < total; wave++) {
    await onWave?.(wave);
    const results = await Promise.all(
      Array.from({ length: Math.min(waveSize, total - wave * waveSize) }, (_, i) =>
        h.call(i % 2, 'GET', '/api/v1/teams', token),
      ),
    );
    for (const r of results) counts[r.statusCode] = (counts[r.statusCode] ?? 0) + 1;
  }
  return counts;
}

describe('two edges, two ratelimit instances', () => {
  it('admits at most N while one ratelimit instance is killed mid-run', async () => {
    const token = await tokenFor('cluster-user', 'tc');
    const counts = await burst(token, 3 * LIMIT, async (wave) => {
      if (wave === 2) await h.ratelimit[0]!.kill();
    });
    const admitted = counts[200] ?? 0;
    expect(admitted).toBeLessThanOrEqual(LIMIT);
    // Tokens granted by the killed instance whose reply never left it are lost, never doubled.
    expect(admitted).toBeGreaterThanOrEqual(LIMIT - 2 * LEASE);
    expect((counts[429] ?? 0) + (counts[503] ?? 0) + admitted).toBe(3 * LIMIT);
  });

  it('admits exactly N through the surviving instance, with no degraded decision', async () => {
    const token = await tokenFor('cluster-user-2', 'tc');
    const counts = await burst(token, 2 * LIMIT);
    expect(counts[200]).toBe(LIMIT);
    expect(counts[429]).toBe(LIMIT);
    expect(counts[503]).toBeUndefined();
  });
});
