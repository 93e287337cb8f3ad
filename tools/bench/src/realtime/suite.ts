// The realtime half of `npm run bench`: fan-out of the corked bare `ws` server, ours and Socket.IO at each
// client count, repeated (a fresh, pinned server per measurement), then reconnect catch-up for ours and
// Socket.IO. nats-server and the auth service run unpinned; the server under test owns SERVER_CPUS.
import { DEV_JWT_SECRET, RpcSubjects } from '@idp/contracts';
import { encodeJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { mintToken } from '@idp/testing';
import { writeRealtimeBenchConfig } from '../bench-config.js';
import { connectBench, startBenchNats, stopBenchNats } from '../bench-nats.js';
import { startNode } from '../rest/node-process.js';
import { realtimeCatchUpMs, socketIoCatchUpMs } from './catch-up.js';
import { type FanoutKind, type FanoutResult, measureFanout } from './fanout.js';
import { type RestartRecovery, realtimeAfterRestart, socketIoAfterRestart } from './restart-recovery.js';
import { startFanoutServer } from './servers.js';

export interface RealtimeSettings {
  clientCounts: number[];
  repeats: number;
  seconds: number;
  catchUpRounds: number;
  serverCpus: string;
  loadCpus: string;
}

export interface RealtimeResults {
  settings: RealtimeSettings;
  fanout: FanoutResult[];
  catchUpMs: Record<'realtime' | 'socketio', number[]>;
  afterRestart: Record<'realtime' | 'socketio', RestartRecovery>;
}

const KINDS: FanoutKind[] = ['bare', 'realtime', 'socketio'];
const root = new URL('../../../../', import.meta.url).pathname;

export async function runRealtimeSuite(
  settings: RealtimeSettings,
  log: (line: string) => void,
): Promise<RealtimeResults> {
  const configPath = await writeRealtimeBenchConfig(root);
  const nats = await startBenchNats(configPath);
  const nc = await connectBench(nats, createLogger({ service: 'bench', level: 'warn' }));
  const auth = await startNode({
    entry: `${root}services/auth/src/main.ts`,
    env: {
      ...nats.envFor('auth'),
      IDP_CONFIG: configPath,
      IDP_JWT_SECRET: DEV_JWT_SECRET,
      LOG_LEVEL: 'info',
    },
    cwd: root,
  });
  try {
    await nc.request(RpcSubjects.authenticate, encodeJson({}), { timeout: 5_000 });
    const token = await mintToken({ sub: 'bench', tenant: 'bench', expiresInSeconds: 6 * 3600 });
    const ctx = { nats, nc, configPath, cpus: settings.serverCpus };
    const fanout: FanoutResult[] = [];
    for (const clients of settings.clientCounts) {
      for (let repeat = 1; repeat <= settings.repeats; repeat++) {
        for (const kind of KINDS) {
          const server = await startFanoutServer(kind, ctx);
          try {
            const options = { kind, clients, seconds: settings.seconds, loadCpus: settings.loadCpus, token };
            const result = await measureFanout(server, options);
            fanout.push(result);
            log(
              `fanout ${clients} #${repeat} ${kind}: ${Math.round(result.msgsPerSec)} msgs/s, ${result.idleKbPerConn.toFixed(1)} KB/conn, server busy ${Math.round(result.serverBusy * 100)} %, missing ${result.missing}`,
            );
          } finally {
            await server.stop();
          }
        }
      }
    }
    const catchUpMs = { realtime: [] as number[], socketio: [] as number[] };
    const ours = await startFanoutServer('realtime', ctx);
    const peer = await startFanoutServer('socketio', ctx);
    try {
      for (let round = 0; round < settings.catchUpRounds; round++) {
        catchUpMs.realtime.push(await realtimeCatchUpMs(nc, ours.url, token));
        catchUpMs.socketio.push(await socketIoCatchUpMs(peer));
      }
    } finally {
      await ours.stop();
      await peer.stop();
    }
    log(
      `catch-up ms: ours ${catchUpMs.realtime.map(Math.round)}, socket.io ${catchUpMs.socketio.map(Math.round)}`,
    );
    const afterRestart = {
      realtime: await realtimeAfterRestart(ctx, token),
      socketio: await socketIoAfterRestart(ctx),
    };
    log(
      `after a server restart: ours ${afterRestart.realtime.recovered}, socket.io ${afterRestart.socketio.recovered} of 1000`,
    );
    return { settings, fanout, catchUpMs, afterRestart };
  } finally {
    await auth.stop();
    await nc.close();
    await stopBenchNats(nats);
  }
}
