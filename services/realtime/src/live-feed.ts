// The one live path of an instance: a JetStream ordered consumer over all of `idp.evt.>`, started at
// the stream's tail and fanned out through the subscription index. The ordered consumer recreates
// itself from its last stream sequence after a NATS reconnect, so nothing is lost or repeated; a new
// epoch (stream deleted and recreated) restarts it at the new stream's start.
import { PULL_EXPIRES_MS } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { type ConsumerMessages, DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { deliverTraced } from './delivery-tracing.js';
import { buildEventFrame, decodePublishedEvent } from './event-frame.js';
import type { RecentEvents } from './recent-events.js';
import type { EventsStreamState, StreamWindow } from './stream-state.js';
import type { SubscriptionIndex } from './subscription-index.js';

export interface LiveFeedOptions {
  js: JetStreamClient;
  state: EventsStreamState;
  index: SubscriptionIndex;
  logger: Logger;
  /** How often the stream's epoch is checked. */
  epochCheckMs?: number;
  /** The stream was recreated: sequences restart, so every client must resume (and learn resumed:false). */
  onEpochChange?: (epoch: string) => void;
  /** Keeps the stream's tail in memory for resumes (every dispatched event, in order). */
  recent?: RecentEvents;
}

export class LiveFeed {
  private messages: ConsumerMessages | undefined;
  private epoch: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The last stream sequence dispatched; exposed for tests and /readyz. */
  lastSeq = 0;
  delivered = 0;
  skipped = 0;

  constructor(private readonly options: LiveFeedOptions) {}

  async start(): Promise<void> {
    const window = await this.options.state.refresh();
    await this.consumeFrom(window, window.lastSeq + 1);
    this.timer = setInterval(() => void this.checkEpoch(), this.options.epochCheckMs ?? 5_000);
    this.timer.unref();
  }

  get ready(): boolean {
    return this.messages !== undefined && !this.stopped;
  }

  private async consumeFrom(window: StreamWindow, startSeq: number): Promise<void> {
    const { js, state, logger } = this.options;
    // An explicit start sequence (never DeliverPolicy.New): the ordered consumer's cursor then starts
    // at the tail, so a recreation after a reconnect continues from there instead of from seq 1.
    const consumer = await js.consumers.get(state.streamName, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, startSeq),
    });
    this.epoch = window.epoch;
    this.lastSeq = startSeq - 1;
    this.options.recent?.reset(window.epoch, this.lastSeq);
    this.messages = await consumer.consume({
      max_messages: 1_000,
      expires: PULL_EXPIRES_MS,
      callback: (m) => this.dispatch(m),
    });
    void this.watch(this.messages);
    logger.info({ epoch: window.epoch, start_seq: startSeq }, 'live feed started');
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type === 'ordered_consumer_recreated' || status.type === 'stream_not_found') {
        this.options.logger.info(
          { status: status.type, last_seq: this.lastSeq },
          'live feed consumer recovering',
        );
      }
    }
  }

  private dispatch(msg: JsMsg): void {
    this.lastSeq = msg.seq;
    // Copied: msg.data is a view of the client's read buffer, which the window must not keep alive.
    this.options.recent?.append({
      seq: msg.seq,
      subject: msg.subject,
      data: msg.data.slice(),
      storedAt: msg.timestamp,
      headers: msg.headers,
    });
    const subs = this.options.index.get(msg.subject);
    if (!subs || subs.size === 0) return;
    const body = decodePublishedEvent(msg.data);
    if (!body) {
      this.skipped++;
      this.options.logger.warn(
        { subject: msg.subject, seq: msg.seq },
        'skipped an event that is not {event, data, timestamp?}',
      );
      return;
    }
    deliverTraced(msg, { path: 'live', event: body.event, subscribers: subs.size }, () => {
      let frame: Buffer | undefined;
      for (const sub of subs) {
        frame ??= buildEventFrame(sub.topic, body, msg.seq, msg.timestamp);
        sub.deliver(msg.seq, frame);
        this.delivered++;
      }
    });
  }

  /** A recreated stream restarts sequences at 1: follow it from its first message. */
  private async checkEpoch(): Promise<void> {
    if (this.stopped) return;
    try {
      const window = await this.options.state.refresh();
      if (window.epoch === this.epoch) return;
      this.options.logger.warn(
        { old: this.epoch, epoch: window.epoch },
        'events stream recreated; restarting live feed',
      );
      await this.messages?.close();
      await this.consumeFrom(window, window.firstSeq || 1);
      this.options.onEpochChange?.(window.epoch);
    } catch (error) {
      this.options.logger.debug({ err: error }, 'epoch check failed (NATS unavailable?)');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.messages?.close();
  }
}
