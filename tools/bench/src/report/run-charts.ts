// The four charts of a run, from its results: REST req/s and p99 per path, fan-out per client count,
// idle memory per connection.
import type { RealtimeResults } from '../realtime/suite.js';
import type { RestResults } from '../rest/suite.js';
import { type BarRow, barSpec, chartPath, groupedSpec, renderPng } from './charts.js';
import { KIND_LABEL } from './markdown.js';
import { spread } from './stats.js';

const SHORT: Record<string, string> = {
  hello: 'bare node:http hello',
  floor: '1-hop floor (node:http → NATS → responder)',
  'floor-mux': '1-hop floor with our request function',
  'edge-only': 'ours: edge alone (auth + rate limit)',
  'get-nocache': 'ours: GET /applications/:id no-cache',
  'get-cached': 'ours: GET /applications/:id cached',
  'list-nocache': 'ours: GET /applications no-cache',
  'list-cached': 'ours: GET /applications cached',
  fastify: 'fastify gateway (jwt + rate-limit + http-proxy)',
};

function restRows(rest: RestResults, pick: (r: { rps: number; p99Ms: number }) => number): BarRow[] {
  return rest.paths.map((path) => {
    const s = spread(rest.runs[path.id]!.map(pick));
    return { label: SHORT[path.id] ?? path.id, group: path.kind, value: s.median, min: s.min, max: s.max };
  });
}

function fanoutRows(rt: RealtimeResults, pick: (f: RealtimeResults['fanout'][number]) => number): BarRow[] {
  return rt.settings.clientCounts.flatMap((clients) =>
    (['bare', 'realtime', 'socketio'] as const).map((kind) => {
      const s = spread(rt.fanout.filter((f) => f.clients === clients && f.kind === kind).map(pick));
      return {
        label: KIND_LABEL[kind].replaceAll('`', ''),
        group: String(clients),
        value: s.median,
        min: s.min,
        max: s.max,
      };
    }),
  );
}

export async function renderRunCharts(dir: string, rest?: RestResults, rt?: RealtimeResults): Promise<void> {
  if (rest) {
    await renderPng(
      barSpec(
        'REST throughput (median, min–max whiskers)',
        'req/s',
        restRows(rest, (r) => r.rps),
      ),
      chartPath(dir, 'rest-throughput'),
    );
    await renderPng(
      barSpec(
        'REST p99 latency (median, min–max whiskers)',
        'p99 ms',
        restRows(rest, (r) => r.p99Ms),
      ),
      chartPath(dir, 'rest-p99'),
    );
  }
  if (rt) {
    await renderPng(
      groupedSpec(
        'Fan-out: delivered messages per second',
        'msgs/s',
        fanoutRows(rt, (f) => f.msgsPerSec),
      ),
      chartPath(dir, 'fanout'),
    );
    await renderPng(
      groupedSpec(
        'Idle memory per connection (server RSS)',
        'KB / connection',
        fanoutRows(rt, (f) => f.idleKbPerConn),
      ),
      chartPath(dir, 'memory'),
    );
  }
}
