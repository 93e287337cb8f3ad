// Drives one WebSocket connection at a time through batches of generated frames: authenticated first
// (a valid auth frame) or not, then the batch, then a ping as a pacing barrier. Checks every frame the
// server sends and every close code it chooses.
import WebSocket from 'ws';
import { type Findings, frameProblem } from './checks.js';
import type { Frame } from './ws-inputs.js';

/**
 * Closes a client may be given for what the fuzzer sends (docs/realtime.md): a normal close, a frame
 * too large for the socket, and the 44xx "fix the client first" range.
 */
const expectedClose = (code: number) => code === 1000 || code === 1009 || (code >= 4400 && code <= 4499);
const WAIT_MS = 10_000;
const QUIET_MS = 30;

export interface WsCounts {
  sent: number;
  received: number;
  connections: number;
  closes: Record<string, number>;
}

export interface LaneTokens {
  valid: string;
  otherUser: string;
}

export class WsLane {
  private ws?: WebSocket;
  private authed = false;
  private closed = true;
  private lastMessageAt = 0;
  private pongs = 0;
  private current: Frame[] = [];

  constructor(
    private readonly url: string,
    private readonly tokens: LaneTokens,
    private readonly findings: Findings,
    private readonly counts: WsCounts,
  ) {}

  async run(frames: Frame[], authenticate: boolean): Promise<void> {
    // A batch before authentication always gets a fresh, unauthenticated connection.
    if (!authenticate || !this.authed || this.closed) await this.open(authenticate);
    if (this.closed) return;
    this.current = frames;
    for (const frame of frames) {
      if (this.closed) break;
      const data =
        frame.note === 'valid-token'
          ? JSON.stringify({ type: 'auth', token: this.tokens.valid })
          : frame.note === 'other-user-token'
            ? JSON.stringify({ type: 'auth', token: this.tokens.otherUser })
            : frame.data;
      this.ws!.send(data, { binary: typeof data !== 'string' });
      this.counts.sent++;
    }
    await this.settle(authenticate);
    if (!authenticate) this.close();
  }

  close(): void {
    if (!this.closed) this.ws?.close(1000);
    this.closed = true;
    this.authed = false;
  }

  private async open(authenticate: boolean): Promise<void> {
    this.close();
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.counts.connections++;
    this.closed = false;
    ws.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
    ws.on('close', (code) => this.onClose(ws, code));
    ws.on('error', () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) =>
          reject(new Error(`upgrade refused: ${res.statusCode}`)),
        );
      });
    } catch (error) {
      this.closed = true;
      this.findings.add({ kind: 'ws: connection refused', detail: String(error), input: { authenticate } });
      return;
    }
    if (!authenticate) return;
    ws.send(JSON.stringify({ type: 'auth', token: this.tokens.valid }));
    const before = this.pongs;
    ws.send('{"type":"ping"}');
    await this.until(() => this.pongs > before || this.closed);
    this.authed = !this.closed;
    if (!this.authed) this.findings.add({ kind: 'ws: valid auth refused', detail: 'closed', input: {} });
  }

  /** Waits for the barrier's pong and a quiet moment (authenticated), or for quiet or a close (not). */
  private async settle(authenticated: boolean): Promise<void> {
    if (this.closed) return;
    if (authenticated) {
      const before = this.pongs;
      this.ws!.send('{"type":"ping"}');
      await this.until(
        () => this.closed || (this.pongs > before && Date.now() - this.lastMessageAt > QUIET_MS),
      );
    } else {
      const start = Date.now();
      await this.until(() => this.closed || Date.now() - Math.max(start, this.lastMessageAt) > 100);
    }
  }

  private async until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!done()) {
      if (Date.now() > deadline) {
        this.findings.add({ kind: 'ws: no answer in time', detail: `${WAIT_MS} ms`, input: this.current });
        this.close();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private onMessage(text: string, isBinary: boolean): void {
    this.lastMessageAt = Date.now();
    this.counts.received++;
    const problem = isBinary ? 'binary frame from the server' : frameProblem(text);
    if (problem)
      this.findings.add({ kind: `ws: ${problem.split(':')[0]}`, detail: problem, input: this.current });
    if (!isBinary && /^\{\s*"type"\s*:\s*"pong"\s*\}$/.test(text)) this.pongs++;
  }

  private onClose(ws: WebSocket, code: number): void {
    if (ws !== this.ws) return;
    const wasOpen = !this.closed;
    this.closed = true;
    this.authed = false;
    if (!wasOpen) return;
    this.counts.closes[code] = (this.counts.closes[code] ?? 0) + 1;
    if (!expectedClose(code))
      this.findings.add({ kind: `ws: close ${code}`, detail: `closed with ${code}`, input: this.current });
  }
}
