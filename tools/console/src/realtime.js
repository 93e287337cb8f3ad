// Follows one /ws/v1 topic the way libs/client's RealtimeClient does (design.md §5): `auth` first, one
// `subscribe` per topic carrying its resume cursor (`since` = last seq seen, `epoch`), events with a
// seq at or below the cursor dropped as duplicates, and reconnects with bounded exponential backoff.
// Close codes 4400–4499 mean "do not reconnect with this credential".

const MAX_ATTEMPTS = 20;
const isFatalClose = (code) => code >= 4400 && code <= 4499;
const backoffMs = (attempt) => Math.min(5_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);

/**
 * @typedef {{ state: 'connecting' | 'live' | 'reconnecting' | 'failed' | 'closed',
 *   connections: number, attempt: number, resumedFrom?: number, error?: string }} LiveStatus
 * @typedef {{ type: 'event', topic: string, event: string, timestamp: string,
 *   data: Record<string, unknown>, seq: number }} EventMessage
 */

export class LiveTopic {
  /**
   * @param {{ url: string, token: string, topic: string, since?: number,
   *   onEvent: (event: EventMessage) => void, onGap?: () => void, onStatus?: (status: LiveStatus) => void }} options
   */
  constructor(options) {
    this.options = options;
    this.lastSeq = options.since;
    this.epoch = undefined;
    /** @type {LiveStatus} */
    this.status = { state: 'connecting', connections: 0, attempt: 0 };
    this.closed = false;
    this.ws = undefined;
    this.timer = undefined;
  }

  start() {
    this.connect();
    return this;
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close(1000, 'view closed');
    this.ws = undefined;
    this.report({ state: 'closed' });
  }

  report(change) {
    this.status = { ...this.status, ...change };
    this.options.onStatus?.(this.status);
  }

  connect() {
    let ws;
    try {
      ws = new WebSocket(this.options.url);
    } catch (error) {
      this.report({ state: 'failed', error: `Cannot open ${this.options.url}: ${error.message}` });
      return;
    }
    this.ws = ws;
    ws.onopen = () => this.onOpen(ws);
    ws.onmessage = (message) => this.onMessage(String(message.data));
    ws.onclose = (event) => this.onClose(ws, event.code, event.reason);
    ws.onerror = () => undefined; // onclose follows and decides
  }

  onOpen(ws) {
    if (ws !== this.ws) return;
    const resume =
      this.lastSeq === undefined ? {} : { since: this.lastSeq, ...(this.epoch && { epoch: this.epoch }) };
    ws.send(JSON.stringify({ type: 'auth', token: this.options.token }));
    ws.send(JSON.stringify({ type: 'subscribe', topics: [this.options.topic], ...resume }));
    this.report({ connections: this.status.connections + 1, resumedFrom: resume.since });
  }

  onMessage(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === 'subscribed') return this.onSubscribed(message);
    if (message.type === 'event' && message.topic === this.options.topic) return this.onEvent(message);
    if (message.type === 'error') {
      const { code, message: text } = message.error ?? {};
      this.report({
        state: 'failed',
        error: `${code ?? 'ERROR'}: ${text ?? 'the realtime service refused'}`,
      });
    }
  }

  onSubscribed(message) {
    if (message.resumed === false) {
      // Another epoch or beyond retention: seqs no longer compare; the view refetches over REST.
      this.lastSeq = undefined;
      this.options.onGap?.();
    }
    this.epoch = message.epoch;
    this.report({ state: 'live', attempt: 0, error: undefined });
  }

  onEvent(event) {
    if (this.lastSeq !== undefined && event.seq <= this.lastSeq) return; // replayed twice: drop
    this.lastSeq = event.seq;
    this.options.onEvent(event);
  }

  onClose(ws, code, reason) {
    if (ws !== this.ws || this.closed) return;
    this.ws = undefined;
    if (isFatalClose(code)) {
      this.report({
        state: 'failed',
        error: `The realtime service refused the connection (${code} ${reason})`,
      });
      return;
    }
    if (this.status.attempt >= MAX_ATTEMPTS) {
      this.report({ state: 'failed', error: `Could not reconnect after ${MAX_ATTEMPTS} attempts` });
      return;
    }
    const attempt = this.status.attempt + 1;
    this.report({ state: 'reconnecting', attempt });
    this.timer = setTimeout(
      () => {
        if (!this.closed) this.connect();
      },
      backoffMs(attempt - 1),
    );
  }
}
