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
});
