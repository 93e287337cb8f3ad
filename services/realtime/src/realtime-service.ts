// Assembles an instance: ensures the events stream, starts the one live feed, and serves /ws/v1.
// Tests start it in-process; main.ts only reads config and calls this.
import {
  type CircuitBreakersConfig,
  parseGatewayConfig,
  type RealtimeConfig,
  type ServerTls,
} from '@idp/config';
import {
  type AuthenticateRequest,
  CloseCodes,
  ControlSubjects,
  Principal,
  RpcSubjects,
  Streams,
} from '@idp/contracts';
import { assertStreamsExist, callRpc, decodeJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { RoleCatalogue } from '@idp/rbac';
import { createBreakerSet } from '@idp/resilience';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { Compile } from 'typebox/compile';
import type { Connection } from './connection.js';
import { ConnectionLimits } from './connection-limits.js';
import type { ConnectionContext } from './context.js';
import { LiveFeed } from './live-feed.js';
import { MemoryFirstReplayer } from './memory-replay.js';
import { createRealtimeMetrics } from './metrics.js';
import { RecentEvents } from './recent-events.js';
import { RefusalCache } from './refusal-cache.js';
import { Replayer } from './replay.js';
import { EventsStreamState } from './stream-state.js';
import { SubscriptionIndex } from './subscription-index.js';
import { platformReadCheck, TopicAuthorizer } from './topic-authorizer.js';
import { RealtimeWsServer } from './ws-server.js';

export interface RealtimeServiceOptions {
  nc: NatsConnection;
  config: RealtimeConfig;
  roles: RoleCatalogue;
  logger: Logger;
  port: number;
  host?: string;
  rpcTimeoutMs?: number;
  /** Certificate and key (PEM) to serve WSS with; plain WS without. */
  tls?: ServerTls;
  /** The edge's port (`IDP_HTTP_PORT`): the console it serves is an allowed Origin on the same host. */
  edgePort?: number;
  /** The gateway config's `circuit_breakers:` section (groups `auth` and `platform`); defaults without. */
  circuitBreakers?: CircuitBreakersConfig;
  /** Where the service's metrics (breaker states) are registered; a fresh registry without. */
  metrics?: Registry;
  /** True once the instance is shutting down: `/readyz` answers 503 while sockets are still served. */
  draining?: () => boolean;
}

export interface RealtimeService {
  port: number;
  server: RealtimeWsServer;
  feed: LiveFeed;
  /** For the probe port's `GET /metrics`. */
  metrics: Registry;
  /** The live feed runs and NATS is connected. */
  ready(): boolean;
  close(): Promise<void>;
}

const checkPrincipal = Compile(Principal);

export async function startRealtimeService(options: RealtimeServiceOptions): Promise<RealtimeService> {
  const { nc, config, logger } = options;
  const rpcTimeoutMs = options.rpcTimeoutMs ?? 5_000;
  const jsm = await jetstreamManager(nc);
  // Created by the setup step with `realtime.events_stream`'s retention; realtime only reads it.
  await assertStreamsExist(jsm, [Streams.events.name]);
  const js = jetstream(nc);
  const index = new SubscriptionIndex();
  const stream = new EventsStreamState(jsm, Streams.events.name);
  const recent = new RecentEvents(config.replay_memory_max_bytes);
  const metrics = options.metrics ?? new Registry();
  const breakers = createBreakerSet({
    config: options.circuitBreakers ?? parseGatewayConfig('').circuit_breakers,
    logger,
    registry: metrics,
    metricPrefix: 'idp_realtime',
  });
  const authBreaker = breakers.get('auth');
  const counters = createRealtimeMetrics(metrics);
  const authorizer = new TopicAuthorizer(
    platformReadCheck(nc, rpcTimeoutMs, breakers.get('platform')),
    options.roles,
    config.topic_rules,
  );
  const limits = new ConnectionLimits(config);
  const ctx: ConnectionContext = {
    config,
    logger,
    index,
    stream,
    refusals: new RefusalCache(config.refusal_cache_ttl_ms, config.refusal_cache_max_entries),
    claimPrincipal: (p) => limits.claimPrincipal(`${p.tenant_id}\n${p.sub}`),
    replayer: new MemoryFirstReplayer(
      new Replayer(js, Streams.events.name, logger, config.max_concurrent_replays),
      {
        recent,
        currentEpoch: () => stream.current?.epoch,
        onSource: (source) => counters.replaySource(source),
        logger,
      },
    ),
    metrics: counters,
    authorize: (principal, topic) => authorizer.decide(principal, topic),
    authenticate: async (token) => {
      const request: AuthenticateRequest = { bearer: token };
      const reply = await authBreaker.run(() =>
        callRpc(nc, RpcSubjects.authenticate, request, { timeoutMs: rpcTimeoutMs }),
      );
      if (!checkPrincipal.Check(reply.data))
        throw new Error('the auth service answered a malformed principal');
      return reply.data;
    },
  };
  let server: RealtimeWsServer | undefined;
  const feed = new LiveFeed({
    js,
    state: stream,
    index,
    logger,
    recent,
    onEpochChange: () => {
      for (const c of server?.connections ?? []) c.close(CloseCodes.UNAVAILABLE, 'events stream recreated');
    },
  });
  await feed.start();
  const ready = () => !options.draining?.() && feed.ready && !nc.isClosed();
  server = new RealtimeWsServer({
    ctx,
    ready,
    tls: options.tls,
    limits,
    edgePort: options.edgePort,
  });
  const live = server;
  counters.watch({
    connections: () => live.connections.size,
    fanOutDelivered: () => feed.delivered,
    fanOutSkipped: () => feed.skipped,
    recentEvents: () => recent.stats,
  });
  const revocations = closeOnRevocation(nc, () => server?.connections ?? [], logger);
  const port = await server.listen(options.port, options.host ?? '0.0.0.0');
  return {
    port,
    server,
    feed,
    metrics,
    ready,
    close: async () => {
      revocations.unsubscribe();
      await server.close();
      await feed.stop();
    },
  };
}

/** A revoked API key or service-account token loses its open connections too, not only new requests. */
function closeOnRevocation(nc: NatsConnection, connections: () => Iterable<Connection>, logger: Logger) {
  return nc.subscribe(ControlSubjects.credentialRevoked, {
    callback: (_error, msg) => {
      let notice: { credential_id?: string; token_id?: string };
      try {
        notice = decodeJson(msg.data) as typeof notice;
      } catch {
        return;
      }
      let closed = 0;
      for (const connection of connections()) if (connection.revokeIfUsing(notice)) closed++;
      if (closed > 0) logger.info({ ...notice, closed }, 'closed connections of a revoked credential');
    },
  });
}
