// The Socket.IO peer of the fan-out benchmark: what a Node team would deploy instead of /ws/v1. Every
// client joins one room (sent `ready` once it has); POST /broadcast?count=M emits M events to the room in
// batches of 50 per tick, the same shape and pacing as the bare ws server. connectionStateRecovery is on,
// so every emit is also kept for clients that reconnect within two minutes.
//   argv: <port>
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2] ?? 0);
let seq = 0;
const frame = () => ({
  type: 'event',
  topic: 'user:notifications',
  event: 'bench',
  timestamp: new Date().toISOString(),
  data: { n: seq },
  seq: ++seq,
});

const http = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/') return void res.end('ok');
  if (url.pathname !== '/broadcast') return void res.writeHead(404).end();
  const count = Math.min(Number(url.searchParams.get('count') ?? 1000), 1_000_000);
  let sent = 0;
  const tick = () => {
    const n = Math.min(50, count - sent);
    for (let i = 0; i < n; i++) ioServer.to('bench').emit('event', frame());
    sent += n;
    if (sent < count) setImmediate(tick);
    else res.end('ok');
  };
  tick();
});
const ioServer = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true },
});
ioServer.on('connection', (socket) => {
  if (!socket.recovered) socket.join('bench');
  socket.emit('ready');
});
http.listen(port, '127.0.0.1', () =>
  process.stdout.write(`${JSON.stringify({ msg: 'service ready', port })}\n`),
);
process.once('SIGTERM', () => process.exit(0));
