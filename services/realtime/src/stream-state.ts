// What the realtime layer needs to know about the events stream: its epoch (the identity of its life:
// a deleted and recreated stream gets a new one) and the sequence window it still holds.
import { createHash } from 'node:crypto';
import { Streams } from '@idp/contracts';
import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';

export interface StreamWindow {
  epoch: string;
  /** Oldest sequence still stored (retention drops older ones). */
  firstSeq: number;
  lastSeq: number;
}

/** Derived from the stream's name and creation time: stable across server restarts, new on recreation. */
export function epochOf(info: Pick<StreamInfo, 'created' | 'config'>): string {
  return createHash('sha256').update(`${info.config.name}\n${info.created}`).digest('base64url').slice(0, 16);
}

export function windowOf(info: StreamInfo): StreamWindow {
  return { epoch: epochOf(info), firstSeq: info.state.first_seq, lastSeq: info.state.last_seq };
}

/**
 * Can a client that has seen everything up to `since` in `epoch` be given exactly what it missed?
 * Only if it is the same stream life, and nothing after `since` has been dropped by retention.
 */
export function canResume(window: StreamWindow, since: number, epoch: string | undefined): boolean {
  if (epoch !== undefined && epoch !== window.epoch) return false;
  if (since > window.lastSeq) return false;
  return since + 1 >= window.firstSeq;
}

export class EventsStreamState {
  private cached: StreamWindow | undefined;

  constructor(
    private readonly jsm: JetStreamManager,
    readonly streamName: string = Streams.events.name,
  ) {}

  /** A fresh look at the stream (one NATS request): resume decisions must never use a stale window. */
  async refresh(): Promise<StreamWindow> {
    this.cached = windowOf(await this.jsm.streams.info(this.streamName));
    return this.cached;
  }

  /** The last known epoch, for `subscribed` replies that resume nothing. */
  async epoch(): Promise<string> {
    return (this.cached ?? (await this.refresh())).epoch;
  }

  get current(): StreamWindow | undefined {
    return this.cached;
  }
}
