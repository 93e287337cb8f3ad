// The REST side of the benchmark, started once and measured many times: operator-mode nats-server, the
// auth, ratelimit and platform services, the edge (LOG_LEVEL=warn: no access-log line per request), the
// 1-hop floor fixtures, and seed data (a team, 21 applications). Optionally CPU-profiles edge and platform.
import { DEV_JWT_SECRET } from '@idp/contracts';
import { freePort, mintToken } from '@idp/testing';
import { writeBenchConfig } from '../bench-config.js';
import { type BenchNats, startBenchNats, stopBenchNats } from '../bench-nats.js';
import { natsServerPid } from './cpu-time.js';
import { type NodeProcess, startNode } from './node-process.js';

export interface RestSystem {
  nats: BenchNats;
  edgeUrl: string;
  floorUrl: string;
  /** The floor making its request with the project's request function (a reference row). */
  floorMuxUrl: string;
  helloUrl: string;
  token: string;
  appId: string;
  /** Processes that do the work of each kind of path (nats-server in both), for CPU per request. */
  pids: { hello: number[]; floor: number[]; floorMux: number[]; ours: number[] };
  stop(): Promise<void>;
}

export interface RestSystemOptions {
  /** Writes edge and platform CPU profiles here on stop. */
  cpuProfDir?: string;
}

const root = new URL('../../../../', import.meta.url).pathname;
const fixture = (file: string) => new URL(`../fixtures/${file}`, import.meta.url).pathname;
const service = (name: string) => `${root}services/${name}/src/main.ts`;

export async function startRestSystem(options: RestSystemOptions = {}): Promise<RestSystem> {
  const config = await writeBenchConfig(root);
  const nats = await startBenchNats(config);
  const started: NodeProcess[] = [];
  const stop = async () => {
    for (const p of started.reverse()) await p.stop();
    await stopBenchNats(nats);
  };
  try {
    const [helloPort, hopPort, muxHopPort, edgePort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const ready = /ready/;
    started.push(
      await startNode({ entry: fixture('hello-server.ts'), env: { PORT: String(helloPort) }, ready }),
    );
    started.push(await startNode({ entry: fixture('nats-responder.ts'), env: nats.envFor('test'), ready }));
    const hopEnv = { PORT: String(hopPort), ...nats.envFor('test') };
    started.push(await startNode({ entry: fixture('one-hop-server.ts'), env: hopEnv, ready }));
    const muxHopEnv = { ...hopEnv, PORT: String(muxHopPort), FLOOR_REQUEST: 'mux' };
    started.push(await startNode({ entry: fixture('one-hop-server.ts'), env: muxHopEnv, ready }));
    const env = { LOG_LEVEL: 'info', IDP_CONFIG: config };
    for (const name of ['auth', 'ratelimit', 'platform'] as const) {
      // HS256 is on only with a secret, for auth alone: the bench's tokens are signed with the dev one.
      const secret: Record<string, string> = name === 'auth' ? { IDP_JWT_SECRET: DEV_JWT_SECRET } : {};
      const prof = name === 'platform' ? options.cpuProfDir : undefined;
      const own = { ...env, ...nats.envFor(name), ...secret };
      started.push(await startNode({ entry: service(name), env: own, cwd: root, cpuProfDir: prof }));
    }
    const edgeEnv = {
      ...env,
      ...nats.envFor('edge'),
      LOG_LEVEL: 'warn',
      IDP_HTTP_PORT: String(edgePort),
      IDP_HTTP_HOST: '127.0.0.1',
    };
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    started.push(
      await startNode({
        entry: service('edge'),
        env: edgeEnv,
        cwd: root,
        readyUrl: `${edgeUrl}/readyz`,
        cpuProfDir: options.cpuProfDir,
      }),
    );
    const token = await mintToken({ sub: 'bench', tenant: 'bench', expiresInSeconds: 6 * 3600 });
    const appId = await seed(`${edgeUrl}/api/v1`, token);
    const natsPid = natsServerPid(nats.port);
    const nat = natsPid ? [natsPid] : [];
    const [hello, responder, hop, muxHop, ...ours] = started.map((p) => p.pid);
    return {
      pids: {
        hello: [hello!],
        floor: [responder!, hop!, ...nat],
        floorMux: [responder!, muxHop!, ...nat],
        ours: [...ours, ...nat],
      },
      nats,
      edgeUrl,
      floorUrl: `http://127.0.0.1:${hopPort}/`,
      floorMuxUrl: `http://127.0.0.1:${muxHopPort}/`,
      helloUrl: `http://127.0.0.1:${helloPort}/`,
      token,
      appId,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A team with 21 applications; returns the id of the last one. */
async function seed(api: string, token: string): Promise<string> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`bench seed: POST ${path} answered ${response.status}`);
    return ((await response.json()) as { data: { id: string } }).data.id;
  };
  const team = await post('/teams', { name: 'bench' });
  let last = '';
  for (let i = 0; i < 21; i++) last = await post('/applications', { name: `bench-${i}`, team_id: team });
  return last;
}
