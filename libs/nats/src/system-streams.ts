// Every JetStream stream and KV bucket of the system, created or updated by the one setup step
// (`npm run setup`, npm start, tests, a Kubernetes Job). Long-running services only open them, so
// none of their NATS users needs the right to create or change a stream (design.md §9).
import { KvBuckets, OPERATIONS_WORK_SUBJECT, Streams } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import {
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamInfo,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { type ConnectOptions, connectNats } from './connect.js';
import { type EventsStreamLimits, eventsStreamSpec } from './events-stream.js';
import { ensureStream, STREAM_NOT_FOUND, type StreamSpec } from './streams.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const HOUR_MS = 60 * 60 * 1000;

/**
 * Size bounds of every stream and bucket, so no caller can grow the server's disk without limit.
 * Their sum (with IDP_EVENTS' 1 GiB, about 5.9 GiB) stays under a server's 8 GiB `max_file_store`
 * (k8s/nats.conf), and three times it (every replica at R3) under the NATS account's 24 GiB: JetStream
 * reserves each stream's max_bytes up front, once per replica.
 */
export const SYSTEM_STREAM_LIMITS = {
  /**
   * IDP_EVENTSTORE is the source of truth: an event dropped for age or size would silently change
   * every object rebuilt from it, so it has no max_age and refuses new writes when full (discard new;
   * the platform answers 503 SERVICE_UNAVAILABLE `event_store_full`, reads keep working).
   */
  event_store_max_bytes: 4 * GiB,
  /** One small message per queued operation, removed when it finishes; full refuses new work. */
  operations_work_max_bytes: 64 * MiB,
  auth_credentials_max_bytes: 256 * MiB,
  auth_revoked_tokens_max_bytes: 64 * MiB,
  rate_limit_counters_max_bytes: 512 * MiB,
};
export type SystemStreamLimits = typeof SYSTEM_STREAM_LIMITS;

export function platformStreams(limits: SystemStreamLimits = SYSTEM_STREAM_LIMITS): StreamSpec[] {
  return [
    {
      name: Streams.eventStore.name,
      subjects: [...Streams.eventStore.subjects],
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      max_bytes: limits.event_store_max_bytes,
      max_age: 0,
    },
    {
      name: Streams.operationsWork.name,
      subjects: [OPERATIONS_WORK_SUBJECT],
      storage: StorageType.File,
      retention: RetentionPolicy.Workqueue,
      // No max_age: a queued operation removed by age would stay `pending` forever in the read model.
      discard: DiscardPolicy.New,
      max_bytes: limits.operations_work_max_bytes,
      max_age: 0,
    },
  ];
}

export const PLATFORM_STREAMS: StreamSpec[] = platformStreams();

/**
 * KV buckets and their settings; `ttl` is how long an untouched entry lives (max_age of the bucket's
 * stream), `max_bytes` its size bound. A full bucket refuses new keys (KV streams discard new).
 */
export function kvBucketSpecs(limits: SystemStreamLimits = SYSTEM_STREAM_LIMITS) {
  return [
    // Credentials live until revoked or expired, so no ttl; per-tenant credential limits bound them.
    { bucket: KvBuckets.authCredentials, history: 1, max_bytes: limits.auth_credentials_max_bytes },
    // Revoked token ids only need to outlive the longest service-account token (1 h).
    {
      bucket: KvBuckets.authRevokedTokens,
      history: 1,
      ttl: 2 * HOUR_MS,
      max_bytes: limits.auth_revoked_tokens_max_bytes,
    },
    // Longer than the longest rate-limit window (one hour): a counter nobody touched is over.
    {
      bucket: KvBuckets.rateLimitCounters,
      history: 1,
      ttl: 2 * HOUR_MS,
      max_bytes: limits.rate_limit_counters_max_bytes,
    },
  ];
}

export const KV_BUCKET_SPECS = kvBucketSpecs();

export interface SystemStreamsOptions {
  /** Retention of IDP_EVENTS (`realtime.events_stream` in the gateway config). */
  events?: EventsStreamLimits;
  /**
   * Copies JetStream keeps of every stream and bucket (IDP_STREAM_REPLICAS): 1 on a single server, 3
   * on a cluster, where a write is acknowledged only once a majority of them stored it. Existing
   * streams are scaled in place to this number.
   */
  replicas?: number;
  /** Size bounds of the other streams and buckets; default SYSTEM_STREAM_LIMITS. */
  limits?: Partial<SystemStreamLimits>;
}

export async function ensureSystemStreams(
  nc: NatsConnection,
  options: SystemStreamsOptions,
  logger: Logger,
): Promise<void> {
  const limits = { ...SYSTEM_STREAM_LIMITS, ...options.limits };
  const replicas = options.replicas ?? 1;
  assertValidReplicas(replicas);
  const jsm = await jetstreamManager(nc);
  // IDP_EVENTS is a replay window (discard old): a lower bound there is meant to drop old events.
  const streams = [
    ...(await Promise.all(platformStreams(limits).map((spec) => keepStored(jsm, spec, logger)))),
    eventsStreamSpec(options.events),
  ];
  for (const spec of streams)
    await withReplicaRemedy(replicas, () => ensureStream(jsm, { ...spec, num_replicas: replicas }, logger));
  const kvm = new Kvm(nc);
  for (const { bucket, ...config } of kvBucketSpecs(limits)) {
    await withReplicaRemedy(replicas, async () => {
      await kvm.create(bucket, { ...config, replicas });
      await ensureBucketConfig(jsm, `KV_${bucket}`, { max_bytes: config.max_bytes, replicas }, logger);
    });
    logger.info({ bucket, replicas }, 'KV bucket ready');
  }
}

function assertValidReplicas(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5)
    throw new Error(`IDP_STREAM_REPLICAS must be an integer from 1 to 5, got ${replicas}`);
}

/** JetStream's errors for more replicas than servers (10074 not clustered, 10023 too few servers). */
const REPLICAS_UNAVAILABLE = new Set([10074, 10023]);

/**
 * JetStream refuses more replicas than the cluster has servers with a terse error; say what is wrong
 * and how to fix it.
 */
async function withReplicaRemedy<T>(replicas: number, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (replicas > 1 && error instanceof JetStreamApiError && REPLICAS_UNAVAILABLE.has(error.code))
      throw new Error(
        `IDP_STREAM_REPLICAS=${replicas} needs a JetStream cluster with at least ${replicas} servers ` +
          `up (${error.message}): lower IDP_STREAM_REPLICAS, or add or start servers`,
        { cause: error },
      );
    throw error;
  }
}

/**
 * Lowering a stream's max_bytes below what it holds makes JetStream delete its oldest messages to fit,
 * whatever the discard policy: events, queued operations or credentials would be lost. Such a limit is
 * not applied; the current one stays and the setup step says so.
 */
function safeMaxBytes(info: StreamInfo, wanted: number, logger: Logger): number {
  if (wanted < 0 || info.state.bytes < wanted) return wanted;
  logger.error(
    { stream: info.config.name, stored_bytes: info.state.bytes, wanted_max_bytes: wanted },
    'stream holds more than the wanted max_bytes: its current limit is kept (raise the wanted one)',
  );
  return info.config.max_bytes;
}

async function infoIfExists(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) return undefined;
    throw error;
  }
}

async function keepStored(jsm: JetStreamManager, spec: StreamSpec, logger: Logger): Promise<StreamSpec> {
  const info = spec.max_bytes === undefined ? undefined : await infoIfExists(jsm, spec.name);
  return info ? { ...spec, max_bytes: safeMaxBytes(info, spec.max_bytes!, logger) } : spec;
}

/**
 * `kvm.create` opens an existing bucket as it is: bring its size bound and its replicas up to date
 * (a redeploy, or the move from one server to a cluster).
 */
async function ensureBucketConfig(
  jsm: JetStreamManager,
  name: string,
  wanted: { max_bytes: number; replicas: number },
  logger: Logger,
): Promise<void> {
  const info = await jsm.streams.info(name);
  const maxBytes = safeMaxBytes(info, wanted.max_bytes, logger);
  if (info.config.max_bytes === maxBytes && info.config.num_replicas === wanted.replicas) return;
  await jsm.streams.update(name, { ...info.config, max_bytes: maxBytes, num_replicas: wanted.replicas });
  logger.info({ stream: name, max_bytes: maxBytes, replicas: wanted.replicas }, 'stream config updated');
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
