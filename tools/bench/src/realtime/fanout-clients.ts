// The load side of the fan-out benchmark, in its own process (pinned to its own core by the caller):
// opens N clients of one kind to 127.0.0.1, subscribes them, counts delivered events and reports the
// running count over IPC every 100 ms, so the driver can pace the publisher and read a steady rate.
//   argv: <kind: bare|realtime|socketio> <url> <clients> [token]
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

type Kind = 'bare' | 'realtime' | 'socketio';
const [kind, url, countArg, token] = process.argv.slice(2) as [Kind, string, string, string?];
const total = Number(countArg);
if (!['bare', 'realtime', 'socketio'].includes(kind) || !url?.startsWith('ws://127.0.0.1:') || !(total > 0)) {
  throw new Error(
    'usage: fanout-clients <bare|realtime|socketio> <ws://127.0.0.1:port/...> <clients> [token]',
  );
}
let received = 0;
const closers: (() => void)[] = [];
const EVENT_PREFIX = '{"type":"event"';

function openWs(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    closers.push(() => ws.terminate());
    ws.on('error', reject);
    ws.on('open', () => {
      if (kind === 'bare') return resolve();
      ws.send(JSON.stringify({ type: 'auth', token }));
      ws.send(JSON.stringify({ type: 'subscribe', topics: ['user:notifications'] }));
    });
    ws.on('message', (data: Buffer) => {
      // Counting by prefix, without a JSON parse: the load process must cost as little as possible.
      if (data.length > 15 && data.toString('latin1', 0, 15) === EVENT_PREFIX) received++;
      else if (data.includes('"subscribed"')) resolve();
      else if (data.includes('"error"')) reject(new Error(data.toString()));
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
    socket.on('event', () => {
      received++;
    });
  });
}

const open = kind === 'socketio' ? openSocketIo : openWs;
for (let i = 0; i < total; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, total - i) }, open));
}
process.send?.({ ready: true });
const timer = setInterval(
  () => process.send?.({ received, at: performance.now() + performance.timeOrigin }),
  100,
);
process.on('message', (m: { cmd: string }) => {
  if (m.cmd !== 'close') return;
  clearInterval(timer);
  for (const close of closers) close();
  setTimeout(() => process.exit(0), 200);
});
process.on('disconnect', () => process.exit(0));
