// Every JetStream stream and KV bucket of the system, created or updated by the one setup step
// (`npm run setup`, npm start, tests, a Kubernetes Job). Long-running services only open them, so
// none of their NATS users needs the right to create or change a stream (design.md §9).
import { KvBuckets, OPERATIONS_WORK_SUBJECT, Streams } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import {
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { type ConnectOptions, connectNats } from './connect.js';
import { type EventsStreamLimits, eventsStreamSpec } from './events-stream.js';
import { ensureStream, STREAM_NOT_FOUND, type StreamSpec } from './streams.js';

export const PLATFORM_STREAMS: StreamSpec[] = [
  { name: Streams.eventStore.name, subjects: [...Streams.eventStore.subjects], storage: StorageType.File },
  {
    name: Streams.operationsWork.name,
    subjects: [OPERATIONS_WORK_SUBJECT],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
  },
];

const HOUR_MS = 60 * 60 * 1000;

/** KV buckets and their settings; `ttl` is how long an untouched entry lives. */
export const KV_BUCKET_SPECS = [
  { bucket: KvBuckets.authCredentials, history: 1 },
  // Revoked token ids only need to outlive the longest service-account token (1 h).
  { bucket: KvBuckets.authRevokedTokens, history: 1, ttl: 2 * HOUR_MS },
  // Longer than the longest rate-limit window (one hour): a counter nobody touched is over.
  { bucket: KvBuckets.rateLimitCounters, history: 1, ttl: 2 * HOUR_MS },
] as const;

export interface SystemStreamsOptions {
  /** Retention of IDP_EVENTS (`realtime.events_stream` in the gateway config). */
  events?: EventsStreamLimits;
}

export async function ensureSystemStreams(
  nc: NatsConnection,
  options: SystemStreamsOptions,
  logger: Logger,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const spec of [...PLATFORM_STREAMS, eventsStreamSpec(options.events)])
    await ensureStream(jsm, spec, logger);
  const kvm = new Kvm(nc);
  for (const { bucket, ...config } of KV_BUCKET_SPECS) {
    await kvm.create(bucket, config);
    logger.info({ bucket }, 'KV bucket ready');
  }
}

/** The setup step: connects as the `setup` user, creates or updates everything, disconnects. */
export async function runSetupStep(
  connection: Omit<ConnectOptions, 'name'>,
  options: SystemStreamsOptions = {},
): Promise<void> {
  const nc = await connectNats({ ...connection, name: 'setup' });
  try {
    await ensureSystemStreams(nc, options, connection.logger);
  } finally {
    await nc.close();
  }
}

/** Fails with the remedy when the setup step has not run, instead of a JetStream error later. */
export async function assertStreamsExist(jsm: JetStreamManager, names: string[]): Promise<void> {
  for (const name of names) {
    try {
      await jsm.streams.info(name);
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) {
        throw new Error(`JetStream stream ${name} does not exist: run the setup step first (npm run setup)`);
      }
      throw error;
    }
  }
}
