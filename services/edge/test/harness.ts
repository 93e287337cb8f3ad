// An edge wired to a real nats-server and a real auth service, with a scripted platform responder
// (a genuine NATS subscriber standing in for the platform service, so these tests stay about the edge).
import { loadGatewayConfig, parseGatewayConfig, type ServerTls } from '@idp/config';
import { DEV_JWT_SECRET, type RpcReply, type RpcRequest, RpcSubjects } from '@idp/contracts';
import { connectNats, decodeJson, encodeJson, runSetupStep } from '@idp/nats';
import { createLogger } from '@idp/observability';
import {
  type NatsServerHandle,
  type ServiceProcess,
  startNatsServer,
  startServiceProcess,
} from '@idp/testing';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { buildEdgeApp } from '../src/app.js';
import { createEdgeMetrics, type EdgeMetrics } from '../src/metrics.js';

export type PlatformScript = (
  route: string,
  request: RpcRequest,
) => RpcReply | undefined | Promise<RpcReply | undefined>;

export interface EdgeHarness {
  app: FastifyInstance;
  nc: NatsConnection;
  server: NatsServerHandle;
  received: Array<{ route: string; request: RpcRequest; headers: Record<string, string> }>;
  setPlatform(script: PlatformScript): void;
  auth: ServiceProcess;
  /** The edge's metrics (served on the probe port in production). */
  metrics: EdgeMetrics;
  close(): Promise<void>;
}

export async function startEdgeHarness(
  overrides: {
    backendTimeoutMs?: number;
    bodyLimit?: number;
    tls?: ServerTls;
    /** The `circuit_breakers:` section; the shipped defaults without it. */
    circuitBreakers?: Record<string, unknown>;
  } = {},
): Promise<EdgeHarness> {
  const server = await startNatsServer();
  const logger = createLogger({ service: 'edge-test', level: 'silent' });
  await runSetupStep({ servers: server.url, logger, ...server.as('setup') });
  // The edge under test with its own NATS user; the stand-in platform with the platform's.
  const nc = await connectNats({ servers: server.url, name: 'edge-test', logger, ...server.as('edge') });
  const platformNc = await connectNats({
    servers: server.url,
    name: 'platform-stub',
    logger,
    ...server.as('platform'),
  });
  const shipped = await loadGatewayConfig(new URL('../../../config/gateway.yaml', import.meta.url).pathname);
  const config = parseGatewayConfig(
    JSON.stringify({
      roles: shipped.roles,
      http: {
        cors_origins: ['https://portal.example'],
        body_limit_bytes: overrides.bodyLimit ?? 4096,
        backend_timeout_ms: overrides.backendTimeoutMs ?? 800,
      },
      circuit_breakers: overrides.circuitBreakers ?? shipped.circuit_breakers,
      // The stand-in platform changes its answers without the change feed: nothing may be cached.
      response_cache: { enabled: false },
    }),
  );
  // The real auth service, as its own process: the edge's tests must not import another service.
  const auth = await startServiceProcess({
    name: 'auth',
    entry: new URL('../../auth/src/main.ts', import.meta.url).pathname,
    // The tests' tokens are minted with the development secret; HS256 is off unless it is given.
    env: { ...server.envFor('auth'), LOG_LEVEL: 'info', IDP_JWT_SECRET: DEV_JWT_SECRET },
  });
  const received: EdgeHarness['received'] = [];
  let script: PlatformScript = () => ({ ok: true, status: 200, data: {} });
  const platform = platformNc.subscribe(RpcSubjects.platformAll, {
    callback: (_err, msg) => {
      void answer(msg);
    },
  });
  async function answer(msg: Msg) {
    const route = msg.subject.slice('idp.rpc.platform.'.length);
    const request = decodeJson(msg.data) as RpcRequest;
    const headers: Record<string, string> = {};
    for (const key of msg.headers?.keys() ?? []) headers[key] = msg.headers!.get(key);
    received.push({ route, request, headers });
    const reply = await script(route, request);
    if (reply) msg.respond(encodeJson(reply));
  }
  const metrics = createEdgeMetrics();
  const app = await buildEdgeApp({ nc, config, logger, authCacheTtlMs: 30_000, tls: overrides.tls, metrics });
  await app.ready();
  return {
    app,
    nc,
    server,
    received,
    setPlatform: (next) => {
      script = next;
    },
    auth,
    metrics,
    close: async () => {
      await app.close();
      platform.unsubscribe();
      await auth.stop();
      await nc.close();
      await platformNc.close();
      await server.cleanup();
    },
  };
}
