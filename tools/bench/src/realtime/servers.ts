// The three fan-out servers, each started fresh and pinned to the same core: the corked bare `ws`
// ceiling, our realtime service (/ws/v1, events published to NATS and stored by JetStream), and the
// Socket.IO peer (room broadcast, connection-state recovery on).
import { encodeJson } from '@idp/nats';
import { freePort } from '@idp/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BenchNats } from '../bench-nats.js';
import { startNode } from '../rest/node-process.js';
import type { FanoutKind, FanoutServer } from './fanout.js';

export const BENCH_TOPIC_SUBJECT = 'idp.evt.bench.user.bench.notifications';
const root = new URL('../../../../', import.meta.url).pathname;
const own = (file: string) => new URL(`../${file}`, import.meta.url).pathname;

export interface ServerContext {
  nats: BenchNats;
  nc: NatsConnection;
  configPath: string;
  cpus: string;
}

/** `port` to restart a server where its clients expect it; a free one otherwise. */
export async function startFanoutServer(
  kind: FanoutKind,
  ctx: ServerContext,
  port?: number,
): Promise<FanoutServer> {
  port ??= await freePort();
  if (kind === 'realtime') return startRealtime(port, ctx);
  const entry = kind === 'bare' ? own('bare-ws-server.ts') : own('peers/socketio-server.ts');
  const proc = await startNode({ entry, env: {}, args: [String(port)], cpus: ctx.cpus });
  return {
    pid: proc.pid,
    port,
    url: `ws://127.0.0.1:${port}/`,
    broadcast: async (count) => {
      const response = await fetch(`http://127.0.0.1:${port}/broadcast?count=${count}&batch=50`, {
        method: 'POST',
      });
      await response.text();
    },
    stop: proc.stop,
  };
}

async function startRealtime(port: number, ctx: ServerContext): Promise<FanoutServer> {
  const proc = await startNode({
    entry: `${root}services/realtime/src/main.ts`,
    env: {
      ...ctx.nats.envFor('realtime'),
      IDP_CONFIG: ctx.configPath,
      LOG_LEVEL: 'warn',
      IDP_WS_PORT: String(port),
      IDP_WS_HOST: '127.0.0.1',
      IDP_HEALTH_PORT: String(await freePort()),
    },
    cwd: root,
    readyUrl: `http://127.0.0.1:${port}/readyz`,
    cpus: ctx.cpus,
    // Hand-run profiling: BENCH_PROFILE_DIR=dir leaves a .cpuprofile of each realtime process there.
    cpuProfDir: process.env.BENCH_PROFILE_DIR,
  });
  let n = 0;
  return {
    pid: proc.pid,
    port,
    url: `ws://127.0.0.1:${port}/ws/v1`,
    broadcast: async (count) => {
      // Core publishes on a subject the event stream stores, as a tenant's backend does.
      for (let i = 0; i < count; i++) {
        ctx.nc.publish(BENCH_TOPIC_SUBJECT, encodeJson({ event: 'bench', data: { n: n++ } }));
        if (i % 50 === 49) await new Promise((r) => setImmediate(r));
      }
      await ctx.nc.flush();
    },
    stop: proc.stop,
  };
}
