// The JetStream streams the platform needs, created or updated at start.
import { OPERATIONS_WORK_SUBJECT, Streams } from '@idp/contracts';
import { ensureStream, type StreamSpec } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export const EVENTS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export const PlatformStreams: StreamSpec[] = [
  { name: Streams.eventStore.name, subjects: [...Streams.eventStore.subjects], storage: StorageType.File },
  {
    name: Streams.operationsWork.name,
    subjects: [OPERATIONS_WORK_SUBJECT],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
  },
  {
    name: Streams.events.name,
    subjects: [...Streams.events.subjects],
    storage: StorageType.File,
    max_age: nanos(EVENTS_MAX_AGE_MS),
  },
];

export async function ensurePlatformStreams(jsm: JetStreamManager, logger: Logger): Promise<void> {
  for (const spec of PlatformStreams) await ensureStream(jsm, spec, logger);
}
