// What every connection of an instance shares: limits, the auth and topic checks (and the cache of
// refusals), the fan-out index, the stream state and the replayer. Tests build one with fakes to
// drive a Connection without sockets.
import type { RealtimeConfig } from '@idp/config';
import type { Principal } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import type { RealtimeMetrics } from './metrics.js';
import type { RefusalCache } from './refusal-cache.js';
import type { PreparedReplay, ReplayEvent, ReplayOutcome } from './replay.js';
import type { StreamWindow } from './stream-state.js';
import type { SubscriptionIndex } from './subscription-index.js';
import type { TopicDecision } from './topic-authorizer.js';

/** The socket side of a connection, as narrow as the session needs. */
export interface Transport {
  /** Queues a text frame; frames queued in one tick are written together. */
  send(frame: Buffer | string): void;
  /** Bytes written earlier that the network has not taken yet (the slow-consumer measure). */
  bufferedBytes(): number;
  ping(): void;
  close(code: number, reason: string): void;
}

export interface ReplaySource {
  /** A replay slot of the instance, or undefined when none came free within `timeoutMs`. */
  acquire(timeoutMs: number): Promise<(() => void) | undefined>;
  prepare(subject: string, since: number): Promise<PreparedReplay>;
  discard(prepared: PreparedReplay): Promise<void>;
  run(
    prepared: PreparedReplay,
    onEvent: ReplayEvent,
    options: { timeoutMs: number; cancelled: () => boolean; drain: () => Promise<void> },
  ): Promise<ReplayOutcome>;
}

export interface ConnectionContext {
  config: RealtimeConfig;
  logger: Logger;
  authenticate(token: string): Promise<Principal>;
  authorize(principal: Principal, topic: string): Promise<TopicDecision>;
  /** Refused topics per principal, shared by the instance's connections. */
  refusals: RefusalCache;
  /** Counts a connection against its principal's cap; undefined when the principal is at the cap. */
  claimPrincipal(principal: Principal): (() => void) | undefined;
  index: SubscriptionIndex;
  stream: { epoch(): Promise<string>; refresh(): Promise<StreamWindow> };
  replayer: ReplaySource;
  /** The instance's counters (connections, frames, resumes); tests may leave them out. */
  metrics?: RealtimeMetrics;
}
