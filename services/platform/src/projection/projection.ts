// Keeps the read model current: an ordered consumer replays the whole event store from the start, then
// follows it live. Readers wait on `waitFor(seq)` to see everything up to a stream sequence.
import { ApiError, Streams } from '@idp/contracts';
import { decodeJson, PULL_EXPIRES_MS } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { type ConsumerMessages, DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { StoredEvent } from '../aggregates/stored-event.js';
import { ReadModel } from './read-model.js';

interface Waiter {
  seq: number;
  resolve: () => void;
}

export class Projection {
  readonly model = new ReadModel();
  private applied = 0;
  private waiters: Waiter[] = [];
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  /** Every applied event goes to listeners too (the runner watches for cancel requests this way). */
  private readonly listeners = new Set<(event: StoredEvent) => void>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly logger: Logger,
  ) {}

  get appliedSeq(): number {
    return this.applied;
  }

  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(Streams.eventStore.name, {
      deliver_policy: DeliverPolicy.All,
    });
    this.messages = await consumer.consume({ max_messages: 1000, expires: PULL_EXPIRES_MS });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const msg of messages) this.applyMessage(msg.seq, msg.data);
    })().catch((error: unknown) => this.logger.error({ err: error }, 'projection stopped'));
  }

  async stop(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
    await this.loop;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  onEvent(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every event up to `seq` is folded; a 503 after `timeoutMs`. */
  waitFor(seq: number, timeoutMs: number): Promise<void> {
    if (this.applied >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new ApiError('SERVICE_UNAVAILABLE', 'The read model is behind the event store; try again shortly', {
            lag: seq - this.applied,
          }),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  private applyMessage(seq: number, data: Uint8Array): void {
    if (seq <= this.applied) return;
    try {
      const event = decodeJson(data) as StoredEvent;
      this.model.apply(event, seq);
      for (const listener of this.listeners) listener(event);
    } catch (error) {
      this.logger.error({ err: error, seq }, 'skipping an event-store message that cannot be applied');
    }
    this.applied = seq;
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const w of ready) w.resolve();
  }
}
