// The realtime client: one WebSocket, automatic reconnect (exponential backoff with jitter, bounded),
// re-authentication before the token expires, re-subscription and lossless resume from the last seq
// and epoch of each topic, and `for await (const ev of client.events(topic))`.
import {
  ApiError,
  type ErrorBody,
  type ErrorCode,
  type EventMessage,
  isFatalCloseCode,
} from '@idp/contracts';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { EventQueue } from './event-queue.js';
import { jwtExpiry } from './jwt-expiry.js';
import type { TokenSource } from './rest-client.js';

export interface RealtimeClientOptions {
  /** `ws://host:8081/ws/v1`; several URLs are tried in turn on reconnect. */
  url: string | string[];
  token: TokenSource;
  /** Node 20 has no global WebSocket: pass `ws`'s. Browsers use the global one. */
  WebSocket?: typeof WebSocket;
  backoff?: BackoffOptions;
  /** Events buffered per iterator before the topic is paused (and later resumed losslessly). */
  queueSize?: number;
  /** Re-authenticate this long before a JWT expires (needs a token function). */
  reauthBeforeMs?: number;
  /** The server could not resume a topic (`resumed:false`): events were missed, refetch over REST. */
  onGap?: (topic: string) => void;
  onError?: (error: ApiError) => void;
}

interface TopicState {
  queues: Set<EventQueue<EventMessage>>;
  lastSeq?: number;
  epoch?: string;
  paused: boolean;
}

const FATAL_CODES: Record<number, ErrorCode> = {
  4401: 'UNAUTHENTICATED',
  4403: 'FORBIDDEN',
  4408: 'UNAUTHENTICATED',
  4429: 'RATE_LIMIT_EXCEEDED',
};

export class RealtimeClient {
  private ws: WebSocket | undefined;
  private readonly topics = new Map<string, TopicState>();
  private attempt = 0;
  private urlIndex = 0;
  private closedByUser = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reauthTimer: ReturnType<typeof setTimeout> | undefined;
  /** Count of (re)connections, for tests and diagnostics. */
  connections = 0;

  constructor(private readonly options: RealtimeClientOptions) {}

  /** An async iterator of the topic's events; breaking out of the loop unsubscribes. */
  events(topic: string, from: { since?: number; epoch?: string } = {}): AsyncIterableIterator<EventMessage> {
    let state = this.topics.get(topic);
    const isNew = !state;
    // `from` resumes from a cursor the application kept (e.g. across page loads).
    state ??= { queues: new Set(), paused: false, lastSeq: from.since, epoch: from.epoch };
    this.topics.set(topic, state);
    const queue: EventQueue<EventMessage> = new EventQueue(this.options.queueSize ?? 1_000, {
      onDrained: () => this.unpause(topic),
      onReturn: () => this.release(topic, queue),
    });
    state.queues.add(queue);
    this.closedByUser = false;
    if (!this.ws) this.connect();
    else if (isNew) this.subscribe(topic);
    return queue;
  }

  /** The resume cursor of a topic: the last seq delivered to its iterators, and the stream epoch. */
  position(topic: string): { seq?: number; epoch?: string } {
    const s = this.topics.get(topic);
    return { seq: s?.lastSeq, epoch: s?.epoch };
  }

  close(): void {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.reauthTimer);
    this.ws?.close(1000, 'client closed');
    this.ws = undefined;
    for (const s of this.topics.values()) for (const q of s.queues) void q.return();
    this.topics.clear();
  }

  private async token(): Promise<string> {
    const { token } = this.options;
    return typeof token === 'function' ? token() : token;
  }

  private connect(): void {
    const urls = Array.isArray(this.options.url) ? this.options.url : [this.options.url];
    const url = urls[this.urlIndex++ % urls.length]!;
    const Ctor = this.options.WebSocket ?? globalThis.WebSocket;
    const ws = new Ctor(url);
    this.ws = ws;
    ws.onopen = () => void this.onOpen(ws);
    ws.onmessage = (event) => this.onMessage(String(event.data));
    ws.onclose = (event) => this.onClose(ws, event.code);
    ws.onerror = () => undefined; // onclose follows and decides
  }

  private async onOpen(ws: WebSocket): Promise<void> {
    const token = await this.token().catch(() => undefined);
    if (ws !== this.ws || !token) return void ws.close(4000, 'no token');
    this.connections++;
    ws.send(JSON.stringify({ type: 'auth', token }));
    this.scheduleReauth(token);
    for (const topic of this.topics.keys()) this.subscribe(topic);
  }

  private scheduleReauth(token: string): void {
    clearTimeout(this.reauthTimer);
    const exp = jwtExpiry(token);
    if (exp === undefined || typeof this.options.token !== 'function') return;
    const wait = exp * 1000 - Date.now() - (this.options.reauthBeforeMs ?? 30_000);
    this.reauthTimer = setTimeout(
      async () => {
        const fresh = await this.token().catch(() => undefined);
        if (!fresh || this.ws?.readyState !== 1) return;
        this.ws.send(JSON.stringify({ type: 'auth', token: fresh }));
        this.scheduleReauth(fresh);
      },
      Math.max(1_000, wait),
    );
  }

  private subscribe(topic: string): void {
    const state = this.topics.get(topic);
    if (!state || state.paused || this.ws?.readyState !== 1) return;
    // One topic per message: each has its own resume cursor.
    const resume =
      state.lastSeq === undefined
        ? {}
        : { since: state.lastSeq, ...(state.epoch ? { epoch: state.epoch } : {}) };
    this.ws.send(JSON.stringify({ type: 'subscribe', topics: [topic], ...resume }));
  }

  private onMessage(text: string): void {
    let message: { type?: string; [key: string]: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === 'event') {
      this.onEvent(message as unknown as EventMessage);
      return;
    }
    if (message.type === 'subscribed') {
      this.onSubscribed(message as { topics: string[]; epoch: string; resumed?: boolean });
      return;
    }
    if (message.type === 'error') {
      this.onServerError((message as { error: ErrorBody }).error);
      return;
    }
  }

  private onSubscribed(message: { topics: string[]; epoch: string; resumed?: boolean }): void {
    this.attempt = 0;
    for (const topic of message.topics) {
      const state = this.topics.get(topic);
      if (!state) continue;
      if (message.resumed === false) {
        // Another epoch or beyond retention: sequences no longer compare, start counting afresh.
        state.lastSeq = undefined;
        this.options.onGap?.(topic);
      }
      state.epoch = message.epoch;
    }
  }

  private onEvent(event: EventMessage): void {
    const state = this.topics.get(event.topic);
    if (!state || state.paused) return;
    if (state.lastSeq !== undefined && event.seq <= state.lastSeq) return; // a duplicate
    for (const q of state.queues) {
      if (q.full) {
        this.pause(event.topic, state);
        return;
      }
    }
    state.lastSeq = event.seq;
    for (const q of state.queues) q.push(event);
  }

  /** A full iterator: stop the topic on the server; it resumes from lastSeq once the iterator drains. */
  private pause(topic: string, state: TopicState): void {
    state.paused = true;
    if (this.ws?.readyState === 1) this.ws.send(JSON.stringify({ type: 'unsubscribe', topics: [topic] }));
  }

  private unpause(topic: string): void {
    const state = this.topics.get(topic);
    if (!state?.paused) return;
    state.paused = false;
    this.subscribe(topic);
  }

  private onServerError(error: ErrorBody): void {
    const apiError = ApiError.from(error);
    const topics = error.details?.topics;
    if (Array.isArray(topics)) {
      for (const topic of topics as string[]) {
        for (const q of this.topics.get(topic)?.queues ?? []) q.fail(apiError);
        this.topics.delete(topic);
      }
    }
    this.options.onError?.(apiError);
  }

  private release(topic: string, queue: EventQueue<EventMessage>): void {
    const state = this.topics.get(topic);
    if (!state) return;
    state.queues.delete(queue);
    if (state.queues.size > 0) return;
    this.topics.delete(topic);
    if (this.ws?.readyState === 1) this.ws.send(JSON.stringify({ type: 'unsubscribe', topics: [topic] }));
  }

  private onClose(ws: WebSocket, code: number): void {
    if (ws !== this.ws) return;
    this.ws = undefined;
    clearTimeout(this.reauthTimer);
    if (this.closedByUser || this.topics.size === 0) return;
    if (isFatalCloseCode(code)) {
      this.failAll(
        new ApiError(FATAL_CODES[code] ?? 'VALIDATION_ERROR', `Connection refused (close ${code})`),
      );
      return;
    }
    const max = this.options.backoff?.maxAttempts ?? 20;
    if (this.attempt >= max) {
      this.failAll(new ApiError('SERVICE_UNAVAILABLE', `Could not reconnect after ${max} attempts`));
      return;
    }
    const delay = backoffDelay(this.attempt++, this.options.backoff);
    this.reconnectTimer = setTimeout(() => {
      if (!this.closedByUser && !this.ws) this.connect();
    }, delay);
  }

  private failAll(error: ApiError): void {
    for (const state of this.topics.values()) for (const q of state.queues) q.fail(error);
    this.topics.clear();
    this.options.onError?.(error);
  }
}
