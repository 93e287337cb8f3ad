import { parseGatewayConfig } from '@idp/config';
import { ApiError } from '@idp/contracts';
import { createLogger } from '@idp/observability';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BreakerOpenError, createBreakerSet } from './index.js';

function setup(section: Record<string, unknown>) {
  const lines: Array<{ msg: string; breaker: string; state: string }> = [];
  const logger = createLogger({
    service: 'breaker-test',
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  const registry = new Registry();
  const config = parseGatewayConfig(JSON.stringify({ circuit_breakers: section })).circuit_breakers;
  const breakers = createBreakerSet({ config, logger, registry, metricPrefix: 'test' });
  const gauge = async (group: string) =>
    (await registry.getSingleMetric('test_circuit_breaker_state')?.get())?.values.find(
      (v) => v.labels.group === group,
    )?.value;
  return { breakers, lines, gauge };
}
const timeout = () => Promise.reject(new ApiError('GATEWAY_TIMEOUT', 'silent'));
const notFound = () => Promise.reject(new ApiError('NOT_FOUND', 'no'));
const ok = () => Promise.resolve('ok');

describe('circuit breakers', () => {
  it('opens after the configured failures in a row and then refuses without calling', async () => {
    const { breakers, lines, gauge } = setup({ consecutive_failures: 3, half_open_after_ms: 2_000 });
    const platform = breakers.get('platform');
    for (let i = 0; i < 3; i++)
      await expect(platform.run(timeout)).rejects.toMatchObject({ code: 'GATEWAY_TIMEOUT' });
    let calls = 0;
    const refusal = await platform.run(async () => ++calls).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(BreakerOpenError);
    expect(refusal).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 2 });
    expect(calls).toBe(0);
    expect(await gauge('platform')).toBe(1);
    expect(lines.filter((l) => l.breaker === 'platform')).toEqual([
      expect.objectContaining({ state: 'open', msg: 'circuit breaker open' }),
    ]);
    // Another group is unaffected.
    await expect(breakers.get('auth').run(ok)).resolves.toBe('ok');
    expect(await gauge('auth')).toBe(0);
  });

  it('never counts a 4xx answer', async () => {
    const { breakers } = setup({ consecutive_failures: 2, minimum_calls: 2 });
    const platform = breakers.get('platform');
    for (let i = 0; i < 20; i++)
      await expect(platform.run(notFound)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(platform.state()).toBe('closed');
  });

  it('opens on the failure ratio over the window even without failures in a row', async () => {
    const { breakers } = setup({ consecutive_failures: 1000, failure_ratio: 0.5, minimum_calls: 10 });
    const platform = breakers.get('platform');
    for (let i = 0; i < 5; i++) {
      await platform.run(ok);
      await platform.run(timeout).catch(() => undefined);
    }
    await platform.run(timeout).catch(() => undefined);
    expect(platform.state()).toBe('open');
  });

  it('half-opens after half_open_after_ms and closes on a good probe', async () => {
    const { breakers, lines } = setup({ consecutive_failures: 1, half_open_after_ms: 100 });
    const platform = breakers.get('platform');
    await platform.run(timeout).catch(() => undefined);
    expect(platform.state()).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 120));
    await expect(platform.run(ok)).resolves.toBe('ok');
    expect(platform.state()).toBe('closed');
    expect(lines.map((l) => l.state)).toEqual(['open', 'half_open', 'closed']);
  });

  it('calls straight through when disabled', async () => {
    const { breakers } = setup({ enabled: false, consecutive_failures: 1 });
    const platform = breakers.get('platform');
    for (let i = 0; i < 3; i++) await platform.run(timeout).catch(() => undefined);
    await expect(platform.run(ok)).resolves.toBe('ok');
  });
});
