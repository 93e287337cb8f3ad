import { describe, expect, it } from 'vitest';
import { ConfigError, loadGatewayConfig, parseGatewayConfig, parseRealtimeConfig } from './index.js';

describe('realtime config', () => {
  it('reads the shipped realtime: section and fills defaults for a missing one', async () => {
    const shipped = parseRealtimeConfig(
      await loadGatewayConfig(new URL('../../../config/gateway.yaml', import.meta.url).pathname),
    );
    expect(shipped.events_stream).toEqual({ max_age_ms: 86_400_000, max_bytes: 1_073_741_824, max_msgs: -1 });
    expect(parseRealtimeConfig(parseGatewayConfig('')).max_topics_per_connection).toBe(100);
  });

  it('names the bad key', () => {
    expect(() => parseRealtimeConfig({ realtime: { send_buffer_bytes: 10 } })).toThrow(ConfigError);
    expect(() => parseRealtimeConfig({ realtime: { events_stream: { max_msgs: -5 } } })).toThrow(
      /realtime\.events_stream\.max_msgs/,
    );
  });

  it('ships every abuse limit with a default (issue 9, finding 8)', () => {
    const d = parseRealtimeConfig({});
    expect(d).toMatchObject({
      allowed_origins: [],
      allow_console_origin: true,
      trusted_proxies: [],
      max_connections: 10_000,
      max_connections_per_ip: 1_000,
      max_connections_per_principal: 100,
      max_queued_messages: 64,
      refusal_cache_ttl_ms: 5_000,
      replay_slot_timeout_ms: 10_000,
    });
  });

  it('refuses an origin that is not scheme://host[:port], and a proxy that is not an IP or CIDR', () => {
    expect(() =>
      parseRealtimeConfig({ realtime: { allowed_origins: ['https://a.example/console'] } }),
    ).toThrow(/realtime\.allowed_origins\.0/);
    expect(
      parseRealtimeConfig({ realtime: { allowed_origins: ['*', 'http://127.0.0.1:8080'] } }).allowed_origins,
    ).toHaveLength(2);
    expect(() => parseRealtimeConfig({ realtime: { trusted_proxies: ['10.0.0.0/33'] } })).toThrow(
      /realtime\.trusted_proxies\.0/,
    );
    expect(() => parseRealtimeConfig({ realtime: { trusted_proxies: ['ingress'] } })).toThrow(ConfigError);
    expect(
      parseRealtimeConfig({ realtime: { trusted_proxies: ['10.0.0.0/8', '::1', 'fd00::/8'] } })
        .trusted_proxies,
    ).toHaveLength(3);
  });
});
