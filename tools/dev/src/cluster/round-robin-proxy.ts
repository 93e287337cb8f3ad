// The local cluster's single entry: a TCP proxy that hands each new connection to the next backend in
// turn, so REST calls and WebSockets spread over both instances the way a cloud load balancer would.
// A backend that refuses the connection (stopped, restarting) is skipped for that connection; nothing
// else is checked, and nothing is parsed: TLS, HTTP and WebSocket pass through unchanged.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface RoundRobinProxy {
  port: number;
  /** Stops listening and closes every connection it carries. */
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 2_000;

export async function startRoundRobinProxy(
  listen: { host: string; port: number },
  backends: Backend[],
): Promise<RoundRobinProxy> {
  if (backends.length === 0) throw new Error('a proxy needs at least one backend');
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  let next = 0;
  const server = createServer((client) => {
    track(client);
    // Bytes the client sends before a backend is chosen wait in the socket's buffer.
    client.pause();
    client.on('error', () => client.destroy());
    const first = next++ % backends.length;
    const order = backends.map((_, i) => backends[(first + i) % backends.length]!);
    connectToFirstAnswering(client, order, track);
  });
  await listenOn(server, listen);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function connectToFirstAnswering(client: Socket, order: Backend[], track: (s: Socket) => void): void {
  const [backend, ...rest] = order;
  if (!backend || client.destroyed) {
    client.destroy();
    return;
  }
  const upstream = connect({ host: backend.host, port: backend.port });
  track(upstream);
  upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error('connect timeout')));
  const tryNext = () => connectToFirstAnswering(client, rest, track);
  upstream.once('error', tryNext);
  upstream.once('connect', () => {
    upstream.setTimeout(0);
    upstream.off('error', tryNext);
    if (client.destroyed) {
      upstream.destroy();
      return;
    }
    // Either side closing or failing ends both: a half-dead pair would hang the client.
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
}

function listenOn(server: Server, listen: { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const taken = error.code === 'EADDRINUSE';
      reject(taken ? new Error(`port ${listen.port} on ${listen.host} is taken`) : error);
    });
    server.listen(listen.port, listen.host, () => resolve());
  });
}
