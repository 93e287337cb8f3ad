import { Registry } from '@idp/service-kit';
import { describe, expect, it } from 'vitest';
import { createRealtimeMetrics } from './metrics.js';

const sample = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe('realtime metrics', () => {
  it('mirrors the live feed and frame totals into counters when scraped, never going backwards', async () => {
    const registry = new Registry();
    const metrics = createRealtimeMetrics(registry);
    const totals = { connections: 2, delivered: 10, skipped: 0 };
    metrics.watch({
      connections: () => totals.connections,
      fanOutDelivered: () => totals.delivered,
      fanOutSkipped: () => totals.skipped,
      recentEvents: () => ({ events: 4, bytes: 900 }),
    });
    metrics.frameReceived();
    metrics.framesSent(3);
    let text = await registry.metrics();
    expect(sample(text, 'idp_realtime_fanout_events_total')).toBe(10);
    expect(sample(text, 'idp_realtime_ws_connections')).toBe(2);
    expect(sample(text, 'idp_realtime_ws_messages_received_total')).toBe(1);
    expect(sample(text, 'idp_realtime_ws_messages_sent_total')).toBe(3);
    expect(sample(text, 'idp_realtime_recent_events')).toBe(4);
    expect(sample(text, 'idp_realtime_recent_events_bytes')).toBe(900);
    totals.delivered = 25;
    totals.connections = 1;
    metrics.framesSent(2);
    text = await registry.metrics();
    expect(sample(text, 'idp_realtime_fanout_events_total')).toBe(25);
    expect(sample(text, 'idp_realtime_ws_connections')).toBe(1);
    expect(sample(text, 'idp_realtime_ws_messages_sent_total')).toBe(5);
  });

  it('counts resumes by outcome and observes replay sizes only for resumed ones', async () => {
    const registry = new Registry();
    const metrics = createRealtimeMetrics(registry);
    metrics.resume('resumed', 12);
    metrics.resume('refetch');
    metrics.resume('no_slot');
    metrics.replaySource('memory');
    metrics.replaySource('memory');
    metrics.replaySource('stream');
    const text = await registry.metrics();
    expect(text).toMatch(/^idp_realtime_replay_sources_total\{source="memory"\} 2$/m);
    expect(text).toMatch(/^idp_realtime_replay_sources_total\{source="stream"\} 1$/m);
    expect(text).toMatch(/^idp_realtime_resumes_total\{outcome="resumed"\} 1$/m);
    expect(text).toMatch(/^idp_realtime_resumes_total\{outcome="refetch"\} 1$/m);
    expect(sample(text, 'idp_realtime_replay_events_count')).toBe(1);
    expect(sample(text, 'idp_realtime_replay_events_sum')).toBe(12);
  });
});
