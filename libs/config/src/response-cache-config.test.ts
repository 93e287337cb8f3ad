import { describe, expect, it } from 'vitest';
import { loadGatewayConfig, parseGatewayConfig } from './gateway-config.js';

describe('response_cache section', () => {
  it('has defaults: on, 64 MiB, one minute', () => {
    expect(parseGatewayConfig('').response_cache).toEqual({
      enabled: true,
      max_bytes: 67_108_864,
      ttl_ms: 60_000,
    });
  });

  it('takes its keys and refuses bad ones by name', () => {
    const config = parseGatewayConfig('response_cache:\n  enabled: false\n  max_bytes: 1048576\n');
    expect(config.response_cache).toEqual({ enabled: false, max_bytes: 1_048_576, ttl_ms: 60_000 });
    expect(() => parseGatewayConfig('response_cache:\n  max_bytes: 10\n')).toThrow(
      /response_cache\.max_bytes/,
    );
    expect(() => parseGatewayConfig('response_cache:\n  ttl: 5\n')).toThrow(/response_cache/);
  });

  it('is in the shipped config with its defaults', async () => {
    const shipped = await loadGatewayConfig(
      new URL('../../../config/gateway.yaml', import.meta.url).pathname,
    );
    expect(shipped.response_cache).toEqual(parseGatewayConfig('').response_cache);
  });
});
