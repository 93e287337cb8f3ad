// A WebSocket client that records every event frame exactly as the server sent it (no client-side
// de-duplication, unlike the SDK), so a test can hold the server to "no gap, no duplicate". Closed with
// a reconnect code (4000–4099) it reconnects through the balancer to another ready instance and
// resumes each topic from the last seq it received, as design.md §5 tells clients to. A subscribe the
// server could not check now (SERVICE_UNAVAILABLE naming its topics: "retry", docs/realtime.md) is
// sent again after a pause; those refusals are counted, not treated as problems.
import { isReconnectCloseCode } from '@idp/contracts';
import WebSocket from 'ws';
import type { ReadinessBalancer } from './load-balancer.js';

const MAX_RECONNECTS = 50;
const RECONNECT_PAUSE_MS = 50;
const MAX_SUBSCRIBE_RETRIES = 200;
const SUBSCRIBE_RETRY_PAUSE_MS = 250;
/** Error codes that mean "could not decide now, retry" rather than a refusal. */
const RETRY_LATER = ['SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT'];

export class RecordingSubscriber {
  /** Seqs received per topic, in arrival order, duplicates included. */
  readonly received = new Map<string, number[]>();
  /** Close codes the server closed this client with. */
  readonly closeCodes: number[] = [];
  /** Anything a lossless resume must not show: resumed:false, error frames, other close codes. */
  readonly problems: string[] = [];
  /** Subscribes the server asked to retry (it could not check the topic during a fault). */
  subscribeRetries = 0;
  private readonly lastSeq = new Map<string, number>();
  private epoch: string | undefined;
  private ws: WebSocket | undefined;
  private url = '';
  private closedByTest = false;
  private reconnects = 0;

  private readonly topics: string[];

  constructor(
    private readonly balancer: ReadinessBalancer,
    private readonly token: string,
    topics: string[],
  ) {
    this.topics = [...topics];
    for (const topic of topics) this.received.set(topic, []);
  }

  /** Adds a topic (from its start, seq 0) on the open connection and on every reconnect after. */
  follow(topic: string): void {
    if (this.received.has(topic)) return;
    this.topics.push(topic);
    this.received.set(topic, []);
    this.subscribe(this.ws, topic);
  }

  /** Connects (to the balancer's next ready instance) and resolves once every topic is subscribed. */
  async start(): Promise<void> {
    const subscribed = this.connect(await this.balancer.pick());
    await subscribed;
  }

  /** How many times the server moved this client to another instance. */
  get moves(): number {
    return this.reconnects;
  }

  lastSeqOf(topic: string): number {
    return this.lastSeq.get(topic) ?? 0;
  }

  close(): void {
    this.closedByTest = true;
    this.ws?.close(1000, 'test done');
  }

  private connect(url: string): Promise<void> {
    this.url = url;
    const ws = new WebSocket(url);
    this.ws = ws;
    let pending = new Set(this.topics);
    return new Promise<void>((resolve) => {
      ws.on('open', () => {
        ws.send(JSON.stringify({ type: 'auth', token: this.token }));
        // One topic per subscribe: each resumes from its own cursor (the first time from the start).
        for (const topic of this.topics) this.subscribe(ws, topic);
        // Nothing to wait for yet: a client that follows its topics later (follow()) is connected now.
        if (pending.size === 0) resolve();
      });
      ws.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type === 'event') this.onEvent(message.topic, message.seq);
        else if (message.type === 'subscribed') {
          this.epoch = message.epoch;
          if (message.resumed === false) this.problems.push(`resumed:false for ${message.topics} on ${url}`);
          for (const topic of message.topics as string[]) pending.delete(topic);
          if (pending.size === 0) {
            pending = new Set();
            resolve();
          }
        } else if (message.type === 'error') {
          this.onError(ws, url, message.error);
        }
      });
      ws.on('error', () => undefined); // 'close' follows and decides
      ws.on('close', (code) => {
        if (this.closedByTest || ws !== this.ws) return;
        this.closeCodes.push(code);
        if (!isReconnectCloseCode(code)) this.problems.push(`closed with ${code} by ${url}`);
        void this.reconnect();
        resolve();
      });
    });
  }

  private subscribe(ws: WebSocket | undefined, topic: string): void {
    if (ws?.readyState !== WebSocket.OPEN) return; // the next connect subscribes every topic
    const since = this.lastSeq.get(topic) ?? 0;
    ws.send(
      JSON.stringify({ type: 'subscribe', topics: [topic], since, ...(this.epoch && { epoch: this.epoch }) }),
    );
  }

  private onError(
    ws: WebSocket,
    url: string,
    error: { code: string; details?: { topics?: string[] } },
  ): void {
    const topics = error.details?.topics;
    if (!RETRY_LATER.includes(error.code) || !topics || this.subscribeRetries >= MAX_SUBSCRIBE_RETRIES) {
      this.problems.push(`error frame on ${url}: ${JSON.stringify(error)}`);
      return;
    }
    this.subscribeRetries++;
    setTimeout(() => {
      if (this.closedByTest || ws !== this.ws) return;
      for (const topic of topics) this.subscribe(ws, topic);
    }, SUBSCRIBE_RETRY_PAUSE_MS);
  }

  private onEvent(topic: string, seq: number): void {
    this.received.get(topic)?.push(seq);
    this.lastSeq.set(topic, Math.max(seq, this.lastSeq.get(topic) ?? 0));
  }

  private async reconnect(): Promise<void> {
    if (++this.reconnects > MAX_RECONNECTS) {
      this.problems.push(`gave up after ${MAX_RECONNECTS} reconnects`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_PAUSE_MS));
    if (this.closedByTest) return;
    await this.connect(await this.balancer.pickOtherThan(this.url));
  }
}
