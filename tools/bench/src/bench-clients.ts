// The client side of the realtime benchmark, in its own process so it does not share the server's
// CPU: opens N WebSockets to 127.0.0.1, authenticates and subscribes (realtime mode), counts events.
// Driven over IPC by realtime-bench.ts: {cmd:'count'} → {received, first, last}; {cmd:'close'}.
import WebSocket from 'ws';

const [url, countArg, mode, token] = process.argv.slice(2);
const total = Number(countArg);
let received = 0;
let first = 0;
let last = 0;
const sockets: WebSocket[] = [];

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url!, { perMessageDeflate: false });
    sockets.push(ws);
    ws.on('error', reject);
    ws.on('open', () => {
      if (mode === 'bare') return resolve();
      ws.send(JSON.stringify({ type: 'auth', token }));
      ws.send(JSON.stringify({ type: 'subscribe', topics: ['user:notifications'] }));
    });
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('{"type":"event"')) {
        const now = performance.now();
        if (received === 0) first = now;
        last = now;
        received++;
      } else if (text.includes('"subscribed"')) resolve();
      else if (text.includes('"error"')) reject(new Error(text));
    });
  });
}

for (let i = 0; i < total; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, total - i) }, open));
}
process.send?.({ ready: true });
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'count') process.send?.({ received, first, last });
  if (m.cmd === 'reset') received = 0;
  if (m.cmd === 'close') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
