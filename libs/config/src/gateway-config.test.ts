import { describe, expect, it } from 'vitest';
import { ConfigError, loadGatewayConfig, parseGatewayConfig } from './index.js';

describe('gateway config', () => {
  it('loads the shipped config/gateway.yaml', async () => {
    const config = await loadGatewayConfig(new URL('../../../config/gateway.yaml', import.meta.url).pathname);
    expect(config.roles.admin).toEqual(['*:*']);
    expect(config.http.body_limit_bytes).toBeGreaterThan(0);
  });

  it('fills defaults for an empty file', () => {
    expect(parseGatewayConfig('').http.backend_timeout_ms).toBe(5000);
    expect(parseGatewayConfig('').http.max_json_depth).toBe(32);
  });

  it('names the bad key', () => {
    expect(() => parseGatewayConfig('roles:\n  viewer: ["not a permission"]\n')).toThrow(/roles\.viewer\.0/);
    expect(() => parseGatewayConfig('http:\n  body_limit_bytes: 1\n')).toThrow(/http\.body_limit_bytes/);
  });

  it('rejects YAML that does not parse', () => {
    expect(() => parseGatewayConfig('roles: [')).toThrow(ConfigError);
  });
});
