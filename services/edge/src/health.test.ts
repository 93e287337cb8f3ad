import { describe, expect, it } from 'vitest';
import { createReadinessCheck, type Readiness } from './health.js';

const up: Readiness = { ready: true, checks: { nats: { status: 'up' } } };

describe('the cached readiness check', () => {
  it('costs one probe for a flood of concurrent and repeated calls within the interval', async () => {
    let probes = 0;
    const check = createReadinessCheck(async () => {
      probes++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return up;
    }, 60_000);
    const results = await Promise.all(Array.from({ length: 500 }, () => check()));
    await check();
    expect(results.every((r) => r.ready)).toBe(true);
    expect(probes).toBe(1);
  });

  it('probes again once the interval is over, and after a failed probe', async () => {
    let probes = 0;
    const check = createReadinessCheck(async () => {
      probes++;
      if (probes === 1) throw new Error('boom');
      return up;
    }, 0);
    await expect(check()).rejects.toThrow('boom');
    expect((await check()).ready).toBe(true);
    expect(probes).toBe(2);
  });
});
