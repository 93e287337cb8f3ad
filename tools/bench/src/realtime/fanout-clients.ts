// The load side of the fan-out benchmark, in its own process (pinned to its own core by the caller):
// opens N clients of one kind to 127.0.0.1, subscribes them, counts delivered events and reports the
// running count over IPC every 100 ms, so the driver can pace the publisher. The rate is read from
// marks instead: the time at which the count passed each multiple of MARK_EVERY, taken where events
// are counted. A load process this busy runs its timers late (seconds apart at 1M deliveries/s), so
// its 100 ms reports alone could not time the steady part, and some runs saw none in it at all.
// WebSocket clients (bare and ours alike) count from the socket's bytes once subscribed
// (frame-counter.ts), so the load process is not what limits the rate; Socket.IO clients count events
// through socket.io-client, whose protocol needs it.
//   argv: <kind: bare|realtime|socketio> <url> <clients> [token]
import type { Socket as NetSocket } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { FrameCounter } from './frame-counter.js';

type Kind = 'bare' | 'realtime' | 'socketio';
const [kind, url, countArg, token] = process.argv.slice(2) as [Kind, string, string, string?];
const total = Number(countArg);
if (!['bare', 'realtime', 'socketio'].includes(kind) || !url?.startsWith('ws://127.0.0.1:') || !(total > 0)) {
  throw new Error(
    'usage: fanout-clients <bare|realtime|socketio> <ws://127.0.0.1:port/...> <clients> [token]',
  );
}
let received = 0;
const MARK_EVERY = 1_000;
/** marks[i]: when the count reached (i + 1) × MARK_EVERY (epoch ms). */
const marks: number[] = [];
const now = () => performance.timeOrigin + performance.now();
const count = () => {
  if (++received % MARK_EVERY === 0) marks.push(now());
};
const closers: (() => void)[] = [];
const EVENT_PREFIX = '{"type":"event"';

/** From here on the socket's bytes go to a FrameCounter instead of the `ws` client's parser. */
function countRaw(ws: WebSocket) {
  const socket = (ws as unknown as { _socket: NetSocket })._socket;
  const counter = new FrameCounter(
    Buffer.from(EVENT_PREFIX),
    count,
    (frame) => socket.write(frame),
    (code) => process.stderr.write(`fanout client closed by the server with ${code}\n`),
  );
  socket.removeAllListeners('data');
  socket.on('data', (chunk: Buffer) => counter.push(chunk));
}

function openWs(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    closers.push(() => ws.terminate());
    ws.on('error', reject);
    ws.on('open', () => {
      if (kind === 'bare') {
        countRaw(ws);
        return resolve();
      }
      ws.send(JSON.stringify({ type: 'auth', token }));
      ws.send(JSON.stringify({ type: 'subscribe', topics: ['user:notifications'] }));
    });
    ws.on('message', (data: Buffer) => {
      // Nothing is published before every client is subscribed, so the stream is at a frame boundary.
      if (data.includes('"subscribed"')) {
        countRaw(ws);
        resolve();
      } else if (data.includes('"error"')) reject(new Error(data.toString()));
    });
    ws.on('close', (code) => {
      if (code !== 1005 && code !== 1006) process.stderr.write(`fanout client closed with ${code}\n`);
    });
  });
}

function openSocketIo(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(url.replace(/^ws:/, 'http:'), {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    closers.push(() => socket.disconnect());
    socket.on('connect_error', reject);
    socket.on('ready', () => resolve());
    socket.on('event', count);
  });
}

const open = kind === 'socketio' ? openSocketIo : openWs;
for (let i = 0; i < total; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, total - i) }, open));
}
process.send?.({ ready: true });
const timer = setInterval(() => process.send?.({ received, at: now() }), 100);
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'marks') process.send?.({ marks, markEvery: MARK_EVERY });
  if (m.cmd !== 'close') return;
  clearInterval(timer);
  for (const close of closers) close();
  setTimeout(() => process.exit(0), 200);
});
process.on('disconnect', () => process.exit(0));
