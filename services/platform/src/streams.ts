// The JetStream streams the platform needs, created or updated at start. IDP_EVENTS is shared with the
// realtime service: both ensure it from the one spec in @idp/nats with the retention configured under
// `realtime.events_stream`, so neither rewrites the other's settings.
import { OPERATIONS_WORK_SUBJECT, Streams } from '@idp/contracts';
import { type EventsStreamLimits, ensureEventsStream, ensureStream, type StreamSpec } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';

export const PlatformStreams: StreamSpec[] = [
  { name: Streams.eventStore.name, subjects: [...Streams.eventStore.subjects], storage: StorageType.File },
  {
    name: Streams.operationsWork.name,
    subjects: [OPERATIONS_WORK_SUBJECT],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
  },
];

export async function ensurePlatformStreams(
  jsm: JetStreamManager,
  eventsRetention: EventsStreamLimits,
  logger: Logger,
): Promise<void> {
  for (const spec of PlatformStreams) await ensureStream(jsm, spec, logger);
  await ensureEventsStream(jsm, eventsRetention, logger);
}
