// The realtime service's own Prometheus numbers: WebSocket connections and frames, live fan-out,
// resumes by outcome and replay sizes. Hot-path numbers the live feed already keeps (events delivered)
// are read at scrape time, so fan-out pays nothing for being measured.
import { Counter, Gauge, Histogram, type Registry } from '@idp/service-kit';

/** What a subscribe with `since` ended as: resumed, told to refetch (resumed:false), or cut short. */
export type ResumeOutcome = 'resumed' | 'refetch' | 'no_slot' | 'failed';

export interface RealtimeMetricsSources {
  /** Open WebSocket connections of this instance. */
  connections(): number;
  /** Events handed to subscriptions by the live feed so far (one per subscription per event). */
  fanOutDelivered(): number;
  /** Events the live feed skipped as malformed so far. */
  fanOutSkipped(): number;
  /** The memory of the stream's tail resumes are served from (recent-events.ts). */
  recentEvents(): { events: number; bytes: number };
}

/** A counter that mirrors a running total kept elsewhere, read when Prometheus scrapes. */
function totalCounter(registry: Registry, name: string, help: string, total: () => number) {
  let reported = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = total();
      if (now > reported) this.inc(now - reported);
      reported = now;
    },
  });
}

export function createRealtimeMetrics(registry: Registry) {
  const opened = new Counter({
    name: 'idp_realtime_ws_connections_opened_total',
    help: 'WebSocket connections accepted (after the upgrade and the connection caps)',
    registers: [registry],
  });
  // Per-frame paths keep plain numbers; the counters read them at scrape time.
  const frames = { in: 0, out: 0 };
  totalCounter(
    registry,
    'idp_realtime_ws_messages_received_total',
    'WebSocket frames received from clients',
    () => frames.in,
  );
  totalCounter(
    registry,
    'idp_realtime_ws_messages_sent_total',
    'WebSocket frames written to clients (events, replies and errors)',
    () => frames.out,
  );
  const resumes = new Counter({
    name: 'idp_realtime_resumes_total',
    help: 'Subscribes with `since`, by outcome: resumed, refetch (resumed:false), no_slot, failed',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const replays = new Counter({
    name: 'idp_realtime_replays_total',
    help: 'Topic replays run for a resume, by outcome (done, timeout, cancelled, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const replaySources = new Counter({
    name: 'idp_realtime_replay_sources_total',
    help: 'Topic replays by where they read: memory (the instance window of the stream tail) or stream (JetStream)',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const replaySize = new Histogram({
    name: 'idp_realtime_replay_events',
    help: 'Events a resumed subscribe had missed (replayed before going live)',
    buckets: [0, 1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000],
    registers: [registry],
  });

  return {
    registry,
    /** Gauges and totals read from the running instance at scrape time; call once it is built. */
    watch(sources: RealtimeMetricsSources): void {
      new Gauge({
        name: 'idp_realtime_ws_connections',
        help: 'Open WebSocket connections',
        registers: [registry],
        collect() {
          this.set(sources.connections());
        },
      });
      totalCounter(
        registry,
        'idp_realtime_fanout_events_total',
        'Live events delivered to subscriptions (one per subscribed connection per event)',
        sources.fanOutDelivered,
      );
      new Gauge({
        name: 'idp_realtime_recent_events',
        help: 'Events held in the instance window of the stream tail (realtime.replay_memory_max_bytes)',
        registers: [registry],
        collect() {
          this.set(sources.recentEvents().events);
        },
      });
      new Gauge({
        name: 'idp_realtime_recent_events_bytes',
        help: 'Estimated bytes of the instance window of the stream tail',
        registers: [registry],
        collect() {
          this.set(sources.recentEvents().bytes);
        },
      });
      totalCounter(
        registry,
        'idp_realtime_fanout_skipped_total',
        'Live events skipped because their body is not {event, data, timestamp?}',
        sources.fanOutSkipped,
      );
    },
    connectionOpened: () => opened.inc(),
    frameReceived: () => {
      frames.in++;
    },
    framesSent: (count: number) => {
      frames.out += count;
    },
    resume(outcome: ResumeOutcome, missedEvents?: number): void {
      resumes.inc({ outcome });
      if (missedEvents !== undefined) replaySize.observe(missedEvents);
    },
    replayEnded: (outcome: string) => replays.inc({ outcome }),
    replaySource: (source: 'memory' | 'stream') => replaySources.inc({ source }),
  };
}
export type RealtimeMetrics = ReturnType<typeof createRealtimeMetrics>;
