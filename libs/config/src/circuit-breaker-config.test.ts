import { describe, expect, it } from 'vitest';
import { breakerSettings, loadGatewayConfig, parseGatewayConfig } from './index.js';

describe('circuit_breakers section', () => {
  it('defaults to 5 failures in a row or 50 % of at least 20 calls in 10 s, half-open after 5 s', () => {
    const config = parseGatewayConfig('').circuit_breakers;
    expect(config.enabled).toBe(true);
    expect(breakerSettings(config, 'platform')).toEqual({
      consecutive_failures: 5,
      failure_ratio: 0.5,
      minimum_calls: 20,
      window_ms: 10_000,
      half_open_after_ms: 5_000,
    });
  });

  it('lets a group override only the keys it names', () => {
    const config = parseGatewayConfig(
      'circuit_breakers:\n  consecutive_failures: 3\n  groups:\n    auth: { half_open_after_ms: 1000 }\n',
    ).circuit_breakers;
    expect(breakerSettings(config, 'auth')).toMatchObject({
      consecutive_failures: 3,
      half_open_after_ms: 1000,
    });
    expect(breakerSettings(config, 'platform')).toMatchObject({
      consecutive_failures: 3,
      half_open_after_ms: 5000,
    });
  });

  it('names the bad key', () => {
    expect(() => parseGatewayConfig('circuit_breakers:\n  failure_ratio: 1.5\n')).toThrow(
      /circuit_breakers\.failure_ratio/,
    );
    expect(() => parseGatewayConfig('circuit_breakers:\n  groups:\n    auth: { typo: 1 }\n')).toThrow(
      /circuit_breakers\.groups\.auth/,
    );
    expect(() => parseGatewayConfig('circuit_breakers:\n  half_open_after_ms: 0\n')).toThrow(
      /circuit_breakers\.half_open_after_ms/,
    );
  });

  it('is in the shipped config with its defaults', async () => {
    const shipped = await loadGatewayConfig(
      new URL('../../../config/gateway.yaml', import.meta.url).pathname,
    );
    expect(shipped.circuit_breakers).toEqual(parseGatewayConfig('').circuit_breakers);
  });
});
