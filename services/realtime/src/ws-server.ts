// The HTTP side: `/ws/v1` upgrades (Origin checked, connection caps applied, token from `?token=` if
// any), `/healthz` and `/readyz`, and the one housekeeping sweep that drives every connection's
// timers. With a certificate it serves HTTPS, and so WSS, on the same port.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ServerTls } from '@idp/config';
import { CloseCodes } from '@idp/contracts';
import { WebSocketServer } from 'ws';
import { type AddressResolver, clientAddressResolver } from './client-address.js';
import { Connection } from './connection.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { ConnectionContext } from './context.js';
import { type OriginCheck, originPolicy } from './origin-policy.js';
import { WsTransport } from './ws-transport.js';

export const WS_PATH = '/ws/v1';

export interface WsServerOptions {
  ctx: ConnectionContext;
  ready: () => boolean;
  /** Sweep period for auth deadlines, token expiry, idle and heartbeat checks. */
  sweepMs?: number;
  /** Certificate and key (PEM): serve WSS instead of WS. */
  tls?: ServerTls;
  /** Connection caps in all and per address (the per-principal one is applied on authentication). */
  limits: ConnectionLimits;
  /** The edge's port: the console it serves there is an allowed Origin (`allow_console_origin`). */
  edgePort?: number;
}

export class RealtimeWsServer {
  readonly http: Server | HttpsServer;
  private readonly wss: WebSocketServer;
  readonly connections = new Set<Connection>();
  private readonly sweep: NodeJS.Timeout;
  private readonly originAllowed: OriginCheck;
  private readonly clientAddress: AddressResolver;

  constructor(private readonly options: WsServerOptions) {
    const { config } = options.ctx;
    // ws refuses frames beyond maxPayload with close 1009; below it, oversized frames get a clear
    // PAYLOAD_TOO_LARGE error from the session and the connection stays open.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.max_frame_bytes * 4,
      perMessageDeflate: false,
    });
    this.originAllowed = originPolicy({
      allowed: config.allowed_origins,
      allowConsole: config.allow_console_origin,
      edgePort: options.edgePort,
    });
    this.clientAddress = clientAddressResolver(config.trusted_proxies);
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handleHttp(req, res);
    this.http = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
    this.http.on('upgrade', (req, socket, head) => this.handleUpgrade(req, socket, head));
    this.sweep = setInterval(
      () => this.tick(),
      options.sweepMs ?? Math.min(1_000, config.heartbeat_interval_ms),
    );
    this.sweep.unref();
  }

  private tick(): void {
    const now = Date.now();
    for (const connection of this.connections) connection.tick(now);
  }

  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      json(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const ready = this.options.ready();
      json(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'not_ready',
        connections: this.options.limits.connections,
      });
      return;
    }
    json(res, 404, { success: false, error: { code: 'NOT_FOUND', message: `No route ${path}` } });
  }

  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    // A browser page of another site must not use a visitor's session (cross-site WebSocket hijacking).
    if (!this.originAllowed(req.headers.origin, req.headers.host)) {
      this.options.ctx.logger.info({ origin: req.headers.origin?.slice(0, 200) }, 'origin refused');
      refuseUpgrade(socket, 403, 'FORBIDDEN', 'This Origin may not open /ws/v1');
      return;
    }
    const address = this.clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for']);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Counted once upgraded (a failed handshake never reaches here, so it holds nothing).
      const admission = this.options.limits.admit(address);
      // Refused after the upgrade: a browser sees a close code and its reason, never an HTTP status.
      if (!admission.admitted) {
        this.options.ctx.logger.info({ address, code: admission.closeCode }, 'connection refused: cap');
        ws.send(
          JSON.stringify({ type: 'error', error: { code: admission.code, message: admission.message } }),
        );
        ws.close(admission.closeCode, admission.message.slice(0, 120));
        setTimeout(() => ws.terminate(), 2_000).unref();
        return;
      }
      const connection = new Connection(
        `ws_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
        new WsTransport(ws, this.options.ctx.metrics?.framesSent),
        this.options.ctx,
        url.searchParams.get('token') ?? undefined,
      );
      this.connections.add(connection);
      this.options.ctx.metrics?.connectionOpened();
      ws.on('message', (data, isBinary) => {
        this.options.ctx.metrics?.frameReceived();
        connection.onFrame(data as Buffer, isBinary);
      });
      ws.on('pong', () => connection.onPong());
      ws.on('error', (error) => connection.logger.debug({ err: error }, 'socket error'));
      ws.on('close', () => {
        connection.closed();
        this.connections.delete(connection);
        admission.release();
      });
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        const address = this.http.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Tells every client to reconnect elsewhere (4000) and stops accepting new ones. */
  async close(): Promise<void> {
    clearInterval(this.sweep);
    for (const connection of this.connections)
      connection.close(CloseCodes.SERVER_SHUTDOWN, 'server shutting down');
    this.wss.close();
    // Give close frames a moment to reach the clients, then cut whoever is left.
    for (let i = 0; i < 40 && this.wss.clients.size > 0; i++) await new Promise((r) => setTimeout(r, 25));
    for (const ws of this.wss.clients) ws.terminate();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    // close() only drops keep-alive sockets that are idle at this instant: a prober (a load balancer
    // polling /readyz) whose request was in flight keeps its socket, reuses it for the next poll and
    // holds close() open until the shutdown timeout. Every socket left here is a plain HTTP one.
    this.http.closeAllConnections();
    await closed;
  }
}

function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ success: false, error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Refused'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
