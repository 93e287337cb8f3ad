// What a client gets back after the server it was connected to restarts while it was away: 1,000 events
// are sent while it is disconnected, the server process is replaced on the same port, the client
// reconnects the way each protocol resumes. Ours: from the JetStream sequence (`since`); Socket.IO: its
// connection-state recovery (pid + offset), whose buffer lived in the old process.
import { encodeJson } from '@idp/nats';
import { jetstream } from '@nats-io/jetstream';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { FanoutServer } from './fanout.js';
import { BENCH_TOPIC_SUBJECT, type ServerContext, startFanoutServer } from './servers.js';

const MISSED = 1_000;
const WAIT_MS = 5_000;

export interface RestartRecovery {
  recovered: number;
  missed: number;
}

/** Ours: events stored while away, realtime restarted, reconnect with `since`; counts events within 5 s. */
export async function realtimeAfterRestart(ctx: ServerContext, token: string): Promise<RestartRecovery> {
  const js = jetstream(ctx.nc);
  const server = await startFanoutServer('realtime', ctx);
  const mark = await js.publish(BENCH_TOPIC_SUBJECT, encodeJson({ event: 'bench', data: { mark: true } }));
  await Promise.all(
    Array.from({ length: MISSED }, (_, n) =>
      js.publish(BENCH_TOPIC_SUBJECT, encodeJson({ event: 'bench', data: { n } })),
    ),
  );
  await server.stop();
  const restarted = await startFanoutServer('realtime', ctx, server.port);
  const ws = new WebSocket(restarted.url, { perMessageDeflate: false });
  let recovered = 0;
  ws.on('open', () => {
    ws.send(JSON.stringify({ type: 'auth', token }));
    ws.send(JSON.stringify({ type: 'subscribe', topics: ['user:notifications'], since: mark.seq }));
  });
  ws.on('message', (data: Buffer) => {
    if (data.toString('latin1', 0, 15) === '{"type":"event"') recovered++;
  });
  await waitFor(() => recovered >= MISSED);
  ws.terminate();
  await restarted.stop();
  return { recovered, missed: MISSED };
}

/** Socket.IO: transport dropped, 1,000 emitted to the room, server restarted, client reconnects. */
export async function socketIoAfterRestart(ctx: ServerContext): Promise<RestartRecovery> {
  const server: FanoutServer = await startFanoutServer('socketio', ctx);
  const socket = io(`http://127.0.0.1:${server.port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('ready', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.io.engine.close();
  await new Promise((r) => setTimeout(r, 300));
  await server.broadcast(MISSED);
  await server.stop();
  const restarted = await startFanoutServer('socketio', ctx, server.port);
  let recovered = 0;
  socket.on('event', () => {
    recovered++;
  });
  socket.connect();
  await waitFor(() => recovered >= MISSED);
  socket.disconnect();
  await restarted.stop();
  return { recovered, missed: MISSED };
}

/** Waits up to 5 s for `done`: a client that recovers nothing simply gets nothing. */
async function waitFor(done: () => boolean): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}
