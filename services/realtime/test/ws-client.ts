// A raw protocol client for tests: records every server message and the close code.
import WebSocket from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary server messages
export type Msg = any;

export class TestClient {
  readonly messages: Msg[] = [];
  closeCode: number | undefined;
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
  }

  static async open(url: string, token?: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const client = new TestClient(url, options);
    await client.opened;
    if (token) client.send({ type: 'auth', token });
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  events(topic?: string): Msg[] {
    return this.messages.filter((m) => m.type === 'event' && (topic === undefined || m.topic === topic));
  }

  /** Waits for the first message (from index `from`) matching `predicate`. */
  async next(predicate: (m: Msg) => boolean, timeoutMs = 5_000, from = 0): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.slice(from).find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(
      `no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 1500)}`,
    );
  }

  async subscribe(topics: string[], extra: Record<string, unknown> = {}): Promise<Msg> {
    const from = this.messages.length;
    this.send({ type: 'subscribe', topics, ...extra });
    return this.next((m) => m.type === 'subscribed' || m.type === 'error', 5_000, from);
  }

  close(): void {
    this.ws.close();
  }
}
