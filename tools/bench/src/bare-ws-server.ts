// The ceiling for the realtime benchmark: a bare `ws` server that broadcasts to every client, corked
// per batch exactly like the realtime service's writes. POST /broadcast?count=M&batch=B sends M
// frames in batches of B per event-loop tick. Run as its own process by realtime-bench.ts.
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 0);
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/broadcast') return void res.writeHead(404).end();
  const count = Number(url.searchParams.get('count') ?? 1000);
  const batch = Number(url.searchParams.get('batch') ?? 50);
  let sent = 0;
  const tick = () => {
    const n = Math.min(batch, count - sent);
    const frames = Array.from({ length: n }, (_, i) =>
      Buffer.from(
        JSON.stringify({
          type: 'event',
          topic: 'user:notifications',
          event: 'bench',
          timestamp: new Date().toISOString(),
          data: { n: sent + i },
          seq: sent + i + 1,
        }),
      ),
    );
    for (const ws of wss.clients) {
      const socket = (ws as unknown as { _socket: Socket })._socket;
      socket.cork();
      for (const f of frames) ws.send(f, { binary: false });
      socket.uncork();
    }
    sent += n;
    if (sent < count) setImmediate(tick);
    else res.end('ok');
  };
  tick();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'service ready', port })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
