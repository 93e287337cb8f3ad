// Reconnect → caught up: a client that missed 1,000 events reconnects and receives them. Ours resumes
// from the JetStream sequence it last saw (`since`); Socket.IO from its in-memory session buffer
// (connectionStateRecovery). Time from starting the reconnect to the 1,000th missed event.
import { encodeJson } from '@idp/nats';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { FanoutServer } from './fanout.js';
import { BENCH_TOPIC_SUBJECT } from './servers.js';

const MISSED = 1_000;
const BOUND_MS = 30_000;

/** Ours: publish 1,000 events while no client is connected, then connect with `since`. */
export async function realtimeCatchUpMs(nc: NatsConnection, url: string, token: string): Promise<number> {
  const js = jetstream(nc);
  const mark = await js.publish(BENCH_TOPIC_SUBJECT, encodeJson({ event: 'bench', data: { mark: true } }));
  await Promise.all(
    Array.from({ length: MISSED }, (_, n) =>
      js.publish(BENCH_TOPIC_SUBJECT, encodeJson({ event: 'bench', data: { n } })),
    ),
  );
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const started = performance.now();
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('realtime catch-up not done within 30 s')), BOUND_MS);
      let got = 0;
      ws.on('error', reject);
      ws.on('open', () => {
        ws.send(JSON.stringify({ type: 'auth', token }));
        ws.send(JSON.stringify({ type: 'subscribe', topics: ['user:notifications'], since: mark.seq }));
      });
      ws.on('message', (data: Buffer) => {
        if (data.toString('latin1', 0, 15) === '{"type":"event"' && ++got === MISSED) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
    });
  } finally {
    ws.terminate();
  }
}

/** Socket.IO: drop the transport, emit 1,000 to the room while away, reconnect and recover. */
export async function socketIoCatchUpMs(server: FanoutServer): Promise<number> {
  const socket = io(server.url.replace(/^ws:/, 'http:'), {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('ready', () => resolve());
      socket.once('connect_error', reject);
    });
    let got = 0;
    socket.on('event', () => {
      got++;
    });
    // A lost connection, not a goodbye: only then does Socket.IO keep the session for recovery.
    socket.io.engine.close();
    await new Promise((r) => setTimeout(r, 300));
    await server.broadcast(MISSED);
    got = 0;
    const started = performance.now();
    socket.connect();
    const deadline = Date.now() + BOUND_MS;
    while (got < MISSED) {
      if (Date.now() > deadline) throw new Error(`socket.io recovered ${got}/${MISSED} events within 30 s`);
      await new Promise((r) => setImmediate(r));
    }
    if (!socket.recovered) throw new Error('socket.io did not recover its session');
    return performance.now() - started;
  } finally {
    socket.disconnect();
  }
}
