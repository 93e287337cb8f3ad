// Service discovery (design.md §10): each instance registers as a NATS micro-service, so `$SRV.PING`,
// `$SRV.INFO` and `$SRV.STATS` (and `nats micro ls/stats`) find it; the status aggregator asks per
// service name and gets one reply per live instance.
import { DiscoverySubjects } from '@idp/contracts';
import { Svcm } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';

// @nats-io/services 3.0.0-25 is typed against its own nats-core (3.0.0-50); at runtime it only calls
// subscribe/requestMany/closed/isClosed, which our 3.4 connection has with the same shapes.
type MicroConnection = ConstructorParameters<typeof Svcm>[0];
const asMicroConnection = (nc: NatsConnection) => nc as unknown as MicroConnection;

/** The endpoint whose stats carry an instance's load: the micro protocol reports custom data per endpoint. */
const LOAD_ENDPOINT = 'load';

export interface ServiceRegistration {
  /** The service's name (`edge`, `auth`, …): the `<name>` of `$SRV.<verb>.<name>`. */
  name: string;
  /** The package version (semver), reported in every reply. */
  version: string;
  description: string;
  /** IDP_INSTANCE_ID: how logs and operators name this instance (the protocol's `id` is random). */
  instance: string;
  /** The subject of the `load` endpoint; see `load`. Default `DiscoverySubjects.load(name)`. */
  loadSubject?: string;
  /**
   * This instance's own figures (operations running, open connections): reported by `$SRV.STATS` as
   * the `load` endpoint's data. Never per-tenant numbers: operators see them platform-wide.
   */
  load?: () => Record<string, number>;
  metadata?: Record<string, string>;
}

export interface ServiceRegistrationHandle {
  /** The protocol's id of this instance (`$SRV.<verb>.<name>.<id>`). */
  readonly id: string;
  /** Stops answering pings and stats: a stopping instance calls it first, so it drops out of status. */
  stop(): Promise<void>;
}

export async function registerService(
  nc: NatsConnection,
  registration: ServiceRegistration,
): Promise<ServiceRegistrationHandle> {
  const load = registration.load ?? (() => ({}));
  const service = await new Svcm(asMicroConnection(nc)).add({
    name: registration.name,
    version: registration.version,
    description: registration.description,
    metadata: { ...registration.metadata, instance: registration.instance },
    // No queue group: every instance answers, each for itself.
    queue: '',
    statsHandler: async () => load(),
  });
  service.addEndpoint(LOAD_ENDPOINT, {
    subject: registration.loadSubject ?? DiscoverySubjects.load(registration.name),
    handler: (_error, msg) => msg.respond(JSON.stringify(load())),
  });
  return {
    id: service.ping().id,
    async stop() {
      await service.stop();
    },
  };
}

/** One live instance, as its replies to `$SRV.PING.<name>` and `$SRV.STATS.<name>` describe it. */
export interface DiscoveredInstance {
  /** The protocol's id. */
  id: string;
  version: string;
  /** Its IDP_INSTANCE_ID (metadata `instance`), or the protocol id when it sent none. */
  instance: string;
  metadata: Record<string, string>;
  /** From `$SRV.STATS`; absent when the instance answered the ping but not the stats in time. */
  started?: string;
  load?: Record<string, number>;
}

export interface DiscoverOptions {
  /** Longest wait for the first reply (no reply by then: no instance is alive). Default 500 ms. */
  maxWaitMs?: number;
  /** After a reply, how long to wait for another before the answer is complete. Default 200 ms. */
  stallMs?: number;
  /** Told about a failed request (e.g. a permission refused), which otherwise reads as "no instance". */
  onError?: (error: unknown) => void;
}

/**
 * Every live instance of service `name`. Asks on the name's own subjects, which only that service's
 * NATS user may subscribe to, so another service cannot answer as this one; replies naming another
 * service are dropped all the same.
 */
export async function discoverInstances(
  nc: NatsConnection,
  name: string,
  options: DiscoverOptions = {},
): Promise<DiscoveredInstance[]> {
  const client = new Svcm(asMicroConnection(nc)).client({
    strategy: 'stall',
    maxWait: options.maxWaitMs ?? 500,
    stall: options.stallMs ?? 200,
  });
  const [pings, stats] = await Promise.all([
    collect(() => client.ping(name), options.onError),
    collect(() => client.stats(name), options.onError),
  ]);
  const byId = new Map<string, DiscoveredInstance>();
  for (const reply of [...pings, ...stats]) {
    const identity = readIdentity(reply, name);
    if (!identity) continue;
    const known = byId.get(identity.id) ?? identity;
    byId.set(identity.id, { ...known, ...readStats(reply) });
  }
  return [...byId.values()].sort((a, b) => a.instance.localeCompare(b.instance));
}

/** Drains a request-many reply stream; its end is bounded by the client's maxWait/stall. */
async function collect(
  ask: () => Promise<AsyncIterable<unknown>>,
  onError: DiscoverOptions['onError'],
): Promise<unknown[]> {
  const replies: unknown[] = [];
  try {
    for await (const reply of await ask()) replies.push(reply);
  } catch (error) {
    // "No responders" when no instance runs: an answer, not a failure.
    if (!/no responders|503/i.test(String(error))) onError?.(error);
  }
  return replies;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => isString(entry[1])),
  );
}

/** The identity every micro reply carries, if the reply is well-formed and names `name`. */
function readIdentity(reply: unknown, name: string): DiscoveredInstance | undefined {
  if (!isObject(reply) || reply.name !== name || !isString(reply.id) || !isString(reply.version)) return;
  const metadata = stringRecord(reply.metadata);
  return { id: reply.id, version: reply.version, instance: metadata.instance ?? reply.id, metadata };
}

/** `started` and the `load` endpoint's data of a stats reply (nothing for a ping reply). */
function readStats(reply: unknown): Partial<DiscoveredInstance> {
  if (!isObject(reply) || !Array.isArray(reply.endpoints)) return {};
  const endpoint = reply.endpoints.find((e) => isObject(e) && e.name === LOAD_ENDPOINT) as Json | undefined;
  const load = isObject(endpoint?.data)
    ? Object.fromEntries(
        Object.entries(endpoint.data).filter((entry): entry is [string, number] => Number.isFinite(entry[1])),
      )
    : {};
  return { ...(isString(reply.started) && { started: reply.started }), load };
}
