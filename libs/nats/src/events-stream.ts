// The one definition of IDP_EVENTS, the stream of public events (design.md §5), which the setup step
// creates with the retention of `realtime.events_stream`.
import { Streams } from '@idp/contracts';
import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { StreamSpec } from './streams.js';

export interface EventsStreamLimits {
  max_age_ms?: number;
  /** -1 for no limit. */
  max_bytes?: number;
  /** -1 for no limit. */
  max_msgs?: number;
}

export const EVENTS_STREAM_DEFAULTS = {
  max_age_ms: 24 * 60 * 60 * 1000,
  max_bytes: 1024 * 1024 * 1024,
  max_msgs: -1,
} as const;

export function eventsStreamSpec(limits: EventsStreamLimits = {}): StreamSpec {
  const wanted = { ...EVENTS_STREAM_DEFAULTS, ...limits };
  return {
    name: Streams.events.name,
    subjects: [...Streams.events.subjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    // Old events go first: the stream is a replay window, never a reason to refuse a publish.
    discard: DiscardPolicy.Old,
    max_age: nanos(wanted.max_age_ms),
    max_bytes: wanted.max_bytes,
    max_msgs: wanted.max_msgs,
  };
}
