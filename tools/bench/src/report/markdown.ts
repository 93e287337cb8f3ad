// The generated part of docs/benchmarks.md: tables of one `npm run bench`, the targets of design.md §8
// checked against them (met / not met, never hidden), and links to the charts.
import type { RealtimeResults } from '../realtime/suite.js';
import type { RestResults } from '../rest/suite.js';
import type { MachineInfo } from './machine.js';
import { fmtInt, fmtMs, fmtPct, pairedRatio, type Spread, spread } from './stats.js';

export interface BenchRun {
  quick: boolean;
  machine: MachineInfo;
  loadAverageEnd: number[];
  rest?: RestResults;
  realtime?: RealtimeResults;
}

const range = (s: Spread, fmt: (n: number) => string) =>
  s.n > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median);
const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
export const KIND_LABEL = {
  bare: 'bare `ws`, corked',
  realtime: 'ours (`/ws/v1`)',
  socketio: 'Socket.IO',
} as const;

export function restRatios(rest: RestResults, id: string, against = 'floor'): Spread {
  return pairedRatio(
    rest.runs[id]!.map((r) => r.rps),
    rest.runs[against]!.map((r) => r.rps),
  );
}

function restSection(rest: RestResults): string[] {
  const { rounds, seconds, connections } = rest.settings;
  const lines = [
    '### REST',
    '',
    `wrk -t2 -c${connections} -d${seconds}s per path, ${rounds} interleaved round(s) (every path once per round); median (min–max) over rounds. "vs floor" is the ratio to the 1-hop floor of the same round.`,
    '',
    '| path | req/s | p99 | vs floor | CPU µs per request | non-2xx / socket errors |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const path of rest.paths) {
    const runs = rest.runs[path.id]!;
    const bad = runs.reduce((sum, r) => sum + r.non2xx, 0);
    const errors = runs.reduce((sum, r) => sum + r.errors, 0);
    lines.push(
      `| ${path.label} | ${range(spread(runs.map((r) => r.rps)), fmtInt)} | ${range(spread(runs.map((r) => r.p99Ms)), fmtMs)} | ${range(restRatios(rest, path.id), fmtPct)} | ${range(spread(runs.map((r) => r.cpuUsPerRequest)), fmtInt)} | ${bad} / ${errors} |`,
    );
  }
  const p99 = (id: string) => spread(rest.runs[id]!.map((r) => r.p99Ms)).median;
  const uncached = restRatios(rest, 'get-nocache').median;
  const cached = restRatios(rest, 'get-cached').median;
  const p99Ratio = p99('get-nocache') / p99('floor');
  const cpu = (id: string) => spread(rest.runs[id]!.map((r) => r.cpuUsPerRequest)).median;
  const cpuRatio = cpu('floor') / cpu('get-nocache');
  const vsPeer = restRatios(rest, 'get-nocache', 'fastify');
  const cachedVsPeer = restRatios(rest, 'get-cached', 'fastify');
  lines.push(
    '',
    'Targets (design.md §8), on `GET /applications/:id`, medians:',
    '',
    `- uncached ≥ 80 % of the floor: ${fmtPct(uncached)}, ${verdict(uncached >= 0.8)}`,
    `- cached ≥ 130 % of the floor: ${fmtPct(cached)}, ${verdict(cached >= 1.3)}`,
    `- p99 ≤ 1.5× the floor's: ${p99Ratio.toFixed(2)}×, ${verdict(p99Ratio <= 1.5)}`,
    `- CPU per request (every process of the path, nats-server included; barely moved by other load on the machine): the floor ${fmtInt(cpu('floor'))} µs, ours uncached ${fmtInt(cpu('get-nocache'))} µs, so where these processes are what saturates the CPUs ours would serve about ${fmtPct(cpuRatio)} of the floor's req/s`,
    `- ahead of the fastify gateway: uncached ${range(vsPeer, fmtPct)} of its req/s, cached ${range(cachedVsPeer, fmtPct)}: ${verdict(vsPeer.median > 1)} (uncached); CPU per request ${fmtInt(cpu('get-nocache'))} µs against its ${fmtInt(cpu('fastify'))} µs`,
    '',
    '![REST throughput](bench/rest-throughput.png)',
    '![REST p99](bench/rest-p99.png)',
    '',
  );
  return lines;
}

function realtimeSection(rt: RealtimeResults): string[] {
  const s = rt.settings;
  const lines = [
    '### Realtime fan-out',
    '',
    `Server under test pinned to CPU ${s.serverCpus}, the load process (all clients) to CPU ${s.loadCpus} (\`taskset\`), the same for all three servers; a fresh server per measurement; ${s.seconds} s of paced delivery per measurement (at most 2,000 events per client in flight), rate timed by the clients' count marks (the time each 1,000th delivery arrived) from 10 % to 100 % of the delivery time; ${s.repeats} repeat(s) per server and client count; median (min–max). The bare \`ws\` and our clients count frames from the socket's bytes (\`frame-counter.ts\`), so the load process is not what sets the rate; "server busy" is the share of its core the server used while events were being sent (near 100 %: the server is the limit); "missing" counts deliveries not made within 30 s after the last event was sent (summed over repeats).`,
    '',
    '| clients | server | delivered msgs/s | vs bare `ws` | server busy | missing | idle KB/conn |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const checks: string[] = [];
  for (const clients of s.clientCounts) {
    const of = (kind: string) => rt.fanout.filter((f) => f.clients === clients && f.kind === kind);
    const bare = of('bare').map((f) => f.msgsPerSec);
    for (const kind of ['bare', 'realtime', 'socketio'] as const) {
      const rows = of(kind);
      const rate = spread(rows.map((f) => f.msgsPerSec));
      const ratio = pairedRatio(
        rows.map((f) => f.msgsPerSec),
        bare,
      );
      const memory = spread(rows.map((f) => f.idleKbPerConn));
      const busy = spread(rows.map((f) => f.serverBusy ?? Number.NaN));
      const missing = rows.reduce((sum, f) => sum + (f.missing ?? 0), 0);
      lines.push(
        `| ${fmtInt(clients)} | ${KIND_LABEL[kind]} | ${range(rate, fmtInt)} | ${range(ratio, fmtPct)} | ${range(busy, fmtPct)} | ${fmtInt(missing)} | ${range(memory, (n) => n.toFixed(1))} |`,
      );
    }
    const ours = pairedRatio(
      of('realtime').map((f) => f.msgsPerSec),
      bare,
    ).median;
    const oursKb = spread(of('realtime').map((f) => f.idleKbPerConn)).median;
    const peerRate = pairedRatio(
      of('realtime').map((f) => f.msgsPerSec),
      of('socketio').map((f) => f.msgsPerSec),
    ).median;
    const peerKb = spread(of('socketio').map((f) => f.idleKbPerConn)).median;
    checks.push(
      `- ${fmtInt(clients)} clients: ours ${fmtPct(ours)} of the corked bare \`ws\` (target ≥ 80 %): ${verdict(ours >= 0.8)}; idle ${oursKb.toFixed(1)} KB/conn (≤ 12): ${verdict(oursKb <= 12)}; vs Socket.IO ${peerRate.toFixed(1)}× the msgs/s and ${oursKb.toFixed(1)} vs ${peerKb.toFixed(1)} KB/conn`,
    );
  }
  const ours = spread(rt.catchUpMs.realtime);
  const peer = spread(rt.catchUpMs.socketio);
  lines.push(
    '',
    ...checks,
    '',
    `Reconnect → caught up with 1,000 missed events (${s.catchUpRounds} rounds, median (min–max)): ours ${range(ours, fmtMs)}, Socket.IO ${range(peer, fmtMs)}: ours ahead ${verdict(ours.median < peer.median)}.`,
    '',
    `After a server restart (1,000 events sent while the client was away, the server process replaced on the same port, the client reconnecting as its protocol resumes): ours delivered ${rt.afterRestart.realtime.recovered} of ${rt.afterRestart.realtime.missed}, Socket.IO ${rt.afterRestart.socketio.recovered} of ${rt.afterRestart.socketio.missed}. Socket.IO cannot do this: its recovery buffer lives in the server process (the in-memory adapter; [connection state recovery](https://socket.io/docs/v4/connection-state-recovery)), for \`maxDisconnectionDuration\` only, so after a restart (or on another instance without a persistent adapter) the client comes back with \`recovered: false\` and the events are gone. Ours resumes from the JetStream sequence on any instance, after any restart, within the stream's retention.`,
    '',
    '![Fan-out](bench/fanout.png)',
    '![Idle memory per connection](bench/memory.png)',
    '',
  );
  return lines;
}

export function generatedSection(run: BenchRun): string {
  const m = run.machine;
  const versions = Object.entries(m.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `## Latest \`npm run bench\`${run.quick ? ' (quick mode: a smoke run, not a measurement)' : ''}`,
    '',
    `Generated by \`npm run bench\` (tools/bench/src/run-all.ts) on ${m.date}. Machine: ${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, node ${m.node}, nats-server ${m.natsServer}; ${versions}. Load average at start ${m.loadAverage.join(' / ')}, at end ${run.loadAverageEnd.join(' / ')} (everything, including other work on the machine, shares these ${m.cpus} CPUs). Raw numbers: [bench/results.json](bench/results.json).`,
    '',
    ...(run.rest ? restSection(run.rest) : []),
    ...(run.realtime ? realtimeSection(run.realtime) : []),
  ].join('\n');
}

export const BEGIN = '<!-- bench:generated:begin (npm run bench rewrites this section) -->';
export const END = '<!-- bench:generated:end -->';

/** Replaces the generated section of the doc, or inserts it after the doc's introduction. */
export function spliceGenerated(doc: string, section: string): string {
  const block = `${BEGIN}\n${section}\n${END}`;
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start >= 0 && end > start) return doc.slice(0, start) + block + doc.slice(end + END.length);
  const firstSection = doc.indexOf('\n## ');
  if (firstSection < 0) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, firstSection + 1)}${block}\n\n${doc.slice(firstSection + 1)}`;
}
