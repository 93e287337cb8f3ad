// Test harness: a real nats-server, the real auth service as a process, a stand-in platform that
// answers the read routes from a table of grants, and realtime instances (in-process or as processes).
import {
  type CircuitBreakersConfig,
  defaultRealtimeConfig,
  loadGatewayConfig,
  type RealtimeConfig,
  type ServerTls,
} from '@idp/config';
import { ApiError, DEV_JWT_SECRET, type RpcRequest, RpcSubjects } from '@idp/contracts';
import { connectNats, runSetupStep, serveJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import {
  mintToken,
  type NatsServerHandle,
  type ServiceProcess,
  startNatsServer,
  startServiceProcess,
} from '@idp/testing';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type RealtimeService, startRealtimeService } from '../src/realtime-service.js';

const root = new URL('../../../', import.meta.url).pathname;
export const configPath = `${root}config/gateway.yaml`;
export const logger = createLogger({
  service: 'realtime-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});

/** tenant → object ids the stand-in platform says exist (any principal of that tenant may read them). */
export type Grants = Record<string, string[]>;

export interface Harness {
  nats: NatsServerHandle;
  auth: ServiceProcess;
  nc: NatsConnection;
  js: JetStreamClient;
  grants: Grants;
  /** While true the stand-in platform receives the reads and never answers (a hung platform). */
  platformSilent: boolean;
  /** Reads the stand-in platform has received (answered or not). */
  platformReads: number;
  startRealtime(
    config?: Partial<RealtimeConfig>,
    options?: { tls?: ServerTls; rpcTimeoutMs?: number; circuitBreakers?: CircuitBreakersConfig },
  ): Promise<RealtimeService & { url: string; nc: NatsConnection }>;
  /** The first in-process instance started. */
  lastInstance(): RealtimeService;
  close(): Promise<void>;
}

export async function startHarness(grants: Grants = {}): Promise<Harness> {
  const nats = await startNatsServer();
  const roles = (await loadGatewayConfig(configPath)).roles;
  await runSetupStep(
    { servers: nats.url, logger, ...nats.as('setup') },
    { events: defaultRealtimeConfig({}).events_stream },
  );
  const auth = await startServiceProcess({
    name: 'auth',
    entry: `${root}services/auth/src/main.ts`,
    // The tests' tokens are minted with the development secret; HS256 is off unless it is given.
    env: {
      ...nats.envFor('auth'),
      IDP_CONFIG: configPath,
      LOG_LEVEL: 'info',
      IDP_JWT_SECRET: DEV_JWT_SECRET,
    },
  });
  // The test publishes events and stands in for the platform as the test user.
  const nc = await connectNats({ servers: nats.url, name: 'realtime-test', logger, ...nats.as('test') });
  const subs = ['applications.get', 'operations.get', 'resources.get'].map((route) =>
    serveJson(nc, RpcSubjects.platform(route), (body) => answerOrHang(body as RpcRequest), {
      queue: 'platform',
      logger,
    }),
  );
  const instances: (RealtimeService & { nc: NatsConnection })[] = [];
  const harness: Harness = {
    nats,
    auth,
    nc,
    js: jetstream(nc),
    grants,
    platformSilent: false,
    platformReads: 0,
    startRealtime: async (overrides = {}, options = {}) => {
      const own = await connectNats({
        servers: nats.url,
        name: 'realtime-under-test',
        logger,
        ...nats.as('realtime'),
      });
      const config = defaultRealtimeConfig(overrides);
      const service = await startRealtimeService({
        nc: own,
        config,
        roles,
        logger,
        port: 0,
        host: '127.0.0.1',
        tls: options.tls,
        rpcTimeoutMs: options.rpcTimeoutMs,
        circuitBreakers: options.circuitBreakers,
      });
      const scheme = options.tls ? 'wss' : 'ws';
      const instance = { ...service, nc: own, url: `${scheme}://127.0.0.1:${service.port}/ws/v1` };
      instances.push(instance);
      return instance;
    },
    lastInstance: () => instances[0]!,
    close: async () => {
      for (const i of instances) await i.close().catch(() => undefined);
      for (const i of instances) await i.nc.close().catch(() => undefined);
      for (const s of subs) s.unsubscribe();
      await nc.close();
      await auth.stop();
      await nats.cleanup();
    },
  };
  function answerOrHang(request: RpcRequest) {
    harness.platformReads++;
    return harness.platformSilent ? new Promise<never>(() => {}) : answerRead(grants, request);
  }
  return harness;
}

function answerRead(grants: Grants, request: RpcRequest) {
  const id = request.params.id ?? '';
  if (!(grants[request.principal.tenant_id] ?? []).includes(id))
    throw new ApiError('NOT_FOUND', `'${id}' was not found`);
  return { ok: true, status: 200, data: { id } };
}

export const token = (sub: string, tenant: string, expiresInSeconds?: number) =>
  mintToken({ sub, tenant, ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }) });
