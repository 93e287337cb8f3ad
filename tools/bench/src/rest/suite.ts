// The REST half of `npm run bench`: every path measured with wrk in interleaved rounds (each round runs
// every path once, so a noisy minute hits all of them alike), against the 1-hop floor of the same round.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_JWT_SECRET } from '@idp/contracts';
import { freePort } from '@idp/testing';
import { type WrkResult, wrk } from '../wrk.js';
import { groupCpuMicros } from './cpu-time.js';
import { startNode } from './node-process.js';
import { type RestSystem, startRestSystem } from './system.js';

export interface RestPath {
  id: string;
  label: string;
  /** The floor itself, or a row compared with it. */
  kind: 'floor' | 'ours' | 'peer' | 'reference';
}

export interface RestSettings {
  rounds: number;
  seconds: number;
  connections: number;
}

export interface RestResults {
  settings: RestSettings;
  paths: RestPath[];
  /** runs[pathId][round] */
  runs: Record<string, RestRun[]>;
}

/** One wrk run and the CPU its path's processes spent per request meanwhile (µs, all processes summed). */
export interface RestRun extends WrkResult {
  cpuUsPerRequest: number;
}

export const REST_PATHS: RestPath[] = [
  { id: 'hello', label: 'bare `node:http` hello', kind: 'reference' },
  { id: 'floor', label: '`node:http` → 1 NATS request → responder (the 1-hop floor)', kind: 'floor' },
  {
    id: 'floor-mux',
    label:
      'the 1-hop floor making its request with our request function (`muxRequest`), not nats.js `request`',
    kind: 'reference',
  },
  {
    id: 'edge-only',
    label: 'edge alone: auth + rate limit, answered at the edge (`GET /users/me/permissions`)',
    kind: 'ours',
  },
  {
    id: 'get-nocache',
    label: 'ours: `GET /applications/:id`, `Cache-Control: no-cache` (to the platform)',
    kind: 'ours',
  },
  { id: 'get-cached', label: 'ours: `GET /applications/:id`, cached at the edge', kind: 'ours' },
  { id: 'list-nocache', label: 'ours: `GET /applications` (21 items), `no-cache`', kind: 'ours' },
  { id: 'list-cached', label: 'ours: `GET /applications` (21 items), cached', kind: 'ours' },
  {
    id: 'fastify',
    label:
      'peer: fastify + @fastify/jwt + @fastify/rate-limit + @fastify/http-proxy → HTTP backend (`GET /applications/:id`)',
    kind: 'peer',
  },
];

const WARM_UP_SECONDS = 5;

export async function runRestSuite(
  settings: RestSettings,
  log: (line: string) => void,
): Promise<RestResults> {
  const system = await startRestSystem();
  const peer = await startFastifyPeer(system);
  try {
    const targets = targetsFor(system, peer);
    const load = (id: string, seconds: number): RestRun => {
      const target = targets[id]!;
      const before = groupCpuMicros(target.pids);
      const result = wrk(target.url, { seconds, connections: settings.connections, headers: target.headers });
      const spent = groupCpuMicros(target.pids) - before;
      return { ...result, cpuUsPerRequest: spent / (result.rps * seconds) };
    };
    // Warm-up: JIT (the services' hot paths take seconds of load to settle), auth cache, leases, response cache.
    for (const id of Object.keys(targets)) load(id, WARM_UP_SECONDS);
    const runs: Record<string, RestRun[]> = Object.fromEntries(REST_PATHS.map((p) => [p.id, []]));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const path of REST_PATHS) {
        const result = load(path.id, settings.seconds);
        runs[path.id]!.push(result);
        log(
          `rest round ${round}/${settings.rounds} ${path.id}: ${Math.round(result.rps)} req/s, p99 ${result.p99Ms} ms, ${Math.round(result.cpuUsPerRequest)} µs CPU/req`,
        );
      }
    }
    return { settings, paths: REST_PATHS, runs };
  } finally {
    await peer.stop();
    await system.stop();
  }
}

function targetsFor(system: RestSystem, peer: { url: string; pids: number[] }) {
  const { hello, floor, floorMux, ours } = system.pids;
  const auth = { authorization: `Bearer ${system.token}` };
  const noCache = { ...auth, 'cache-control': 'no-cache' };
  const api = `${system.edgeUrl}/api/v1`;
  const one = `/applications/${system.appId}`;
  return {
    hello: { url: system.helloUrl, headers: {}, pids: hello },
    floor: { url: system.floorUrl, headers: {}, pids: floor },
    'floor-mux': { url: system.floorMuxUrl, headers: {}, pids: floorMux },
    'edge-only': { url: `${api}/users/me/permissions`, headers: auth, pids: ours },
    'get-nocache': { url: `${api}${one}`, headers: noCache, pids: ours },
    'get-cached': { url: `${api}${one}`, headers: auth, pids: ours },
    'list-nocache': { url: `${api}/applications`, headers: noCache, pids: ours },
    'list-cached': { url: `${api}/applications`, headers: auth, pids: ours },
    fastify: { url: `${peer.url}/api/v1${one}`, headers: auth, pids: peer.pids },
  } as Record<string, { url: string; headers: Record<string, string>; pids: number[] }>;
}

/** The fastify gateway and its backend, serving the application our platform serves. */
async function startFastifyPeer(system: RestSystem) {
  const response = await fetch(`${system.edgeUrl}/api/v1/applications/${system.appId}`, {
    headers: { authorization: `Bearer ${system.token}` },
  });
  const application = ((await response.json()) as { data: unknown }).data;
  const file = join(tmpdir(), `idp-bench-application-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(application));
  const [backendPort, gatewayPort] = [await freePort(), await freePort()];
  const here = (f: string) => new URL(`../peers/${f}`, import.meta.url).pathname;
  const backend = await startNode({
    entry: here('http-backend.ts'),
    env: {},
    args: [String(backendPort), file],
  });
  const gateway = await startNode({
    entry: here('fastify-gateway.ts'),
    env: {},
    args: [String(gatewayPort), String(backendPort), DEV_JWT_SECRET],
  }).catch(async (error) => {
    await backend.stop();
    throw error;
  });
  return {
    url: `http://127.0.0.1:${gatewayPort}`,
    pids: [gateway.pid, backend.pid],
    stop: async () => {
      await gateway.stop();
      await backend.stop();
    },
  };
}
