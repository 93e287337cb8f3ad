// Starts the whole system as separate processes (nats-server or a 3-node cluster, auth, ratelimit,
// platform, realtime, edge) the way `npm start` does, and gives tests a small REST client that speaks
// the contract's envelopes.
import { DEV_JWT_SECRET } from '@idp/contracts';
import {
  freePort,
  mintToken,
  type NatsAccess,
  type NatsClusterHandle,
  type NatsServerHandle,
  type NatsUser,
  type Runtime,
  runOnce,
  SETUP_ENTRY,
  type ServiceProcess,
  startNatsCluster,
  startNatsServer,
  startServiceProcess,
} from '@idp/testing';

const root = new URL('../../', import.meta.url).pathname;
const entry = (service: string) => `${root}services/${service}/src/main.ts`;

/**
 * The runtime of every service and of the setup step: Node.js, or Deno with IDP_TEST_RUNTIME=deno
 * (`npm run test:deno`).
 */
export function testRuntime(value = process.env.IDP_TEST_RUNTIME): Runtime {
  if (!value || value === 'node') return 'node';
  if (value === 'deno') return 'deno';
  throw new Error(`IDP_TEST_RUNTIME=${value}: expected node or deno`);
}

/** Every service, in the order a system starts them (the edge last: it needs the others to answer). */
export const SERVICES = ['auth', 'ratelimit', 'platform', 'realtime', 'edge'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** A running system on one nats-server (`startSystem`) or on a 3-node cluster (`startClusterSystem`). */
export interface System<Nats extends NatsAccess = NatsServerHandle> {
  nats: Nats;
  services: Record<string, ServiceProcess>;
  baseUrl: string;
  /** The realtime service's WebSocket endpoint. */
  wsUrl: string;
  env: Record<string, string>;
  /** `http://127.0.0.1:<IDP_HEALTH_PORT>` of each service instance, with `probePorts: true`. */
  probeUrls: Record<string, string>;
  /**
   * `env` overrides the system's environment for this instance only (e.g. its own ports); without it, a
   * restarted instance gets the overrides it started with before.
   */
  startService(name: string, instance?: string, env?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  stageMs?: number;
  ackWaitMs?: number;
  /** IDP_CONFIG for the setup step and every service; default config/gateway.yaml. */
  configPath?: string;
  /** Give each service a probe port (IDP_HEALTH_PORT: /healthz, /readyz, /metrics). */
  probePorts?: boolean;
  /** Extra environment for every service (e.g. OTEL_EXPORTER_OTLP_ENDPOINT); wins over the defaults. */
  env?: Record<string, string>;
}

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  return launchSystem(await startNatsServer(), options, { replicas: 1, instances: 1 });
}

/** A system on a cluster: every instance's name and its own ports, in start order per service. */
export interface ClusterSystem extends System<NatsClusterHandle> {
  /** Instance names per service: `edge-1`, `edge-2`, … */
  instances: Record<ServiceName, string[]>;
  /** Each edge instance's base URL and each realtime instance's WebSocket URL, by instance name. */
  edgeUrls: Record<string, string>;
  wsUrls: Record<string, string>;
}

export interface ClusterSystemOptions extends SystemOptions {
  /** Instances of every service (default 2), each with its own ports and IDP_INSTANCE_ID. */
  instances?: number;
  /** Environment for every instance of one service (e.g. a LOG_LEVEL for realtime only). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
}

/**
 * The production shape (k8s/): a 3-node JetStream cluster with R3 streams and buckets
 * (IDP_STREAM_REPLICAS=3 for the setup step) and several instances of every service.
 */
export async function startClusterSystem(options: ClusterSystemOptions = {}): Promise<ClusterSystem> {
  const count = options.instances ?? 2;
  const system = await launchSystem(await startNatsCluster(), options, {
    replicas: 3,
    instances: count,
    serviceEnv: options.serviceEnv ?? {},
  });
  const names = (service: string) => Array.from({ length: count }, (_, i) => `${service}-${i + 1}`);
  const instances = Object.fromEntries(SERVICES.map((s) => [s, names(s)])) as Record<ServiceName, string[]>;
  const edgeUrls = Object.fromEntries(
    instances.edge.map((name) => [name, `http://127.0.0.1:${system.ownEnv[name]!.IDP_HTTP_PORT}`]),
  );
  const wsUrls = Object.fromEntries(
    instances.realtime.map((name) => [name, `ws://127.0.0.1:${system.ownEnv[name]!.IDP_WS_PORT}/ws/v1`]),
  );
  return { ...system, instances, edgeUrls, wsUrls };
}

interface Shape {
  /** IDP_STREAM_REPLICAS of the setup step. */
  replicas: number;
  /** 1: one instance per service named after it (the single-server tests); more: `<service>-<n>`. */
  instances: number;
  serviceEnv?: Partial<Record<string, Record<string, string>>>;
}

async function launchSystem<Nats extends NatsAccess>(
  nats: Nats,
  options: SystemOptions,
  shape: Shape,
): Promise<System<Nats> & { ownEnv: Record<string, Record<string, string>> }> {
  const port = await freePort();
  const wsPort = await freePort();
  const env: Record<string, string> = {
    NATS_URL: nats.url,
    IDP_HTTP_PORT: String(port),
    IDP_HTTP_HOST: '127.0.0.1',
    IDP_WS_PORT: String(wsPort),
    IDP_WS_HOST: '127.0.0.1',
    IDP_CONFIG: options.configPath ?? `${root}config/gateway.yaml`,
    IDP_OPERATION_STAGE_MS: String(options.stageMs ?? 150),
    IDP_OPERATION_ACK_WAIT_MS: String(options.ackWaitMs ?? 1500),
    LOG_LEVEL: 'info',
    ...options.env,
  };
  // As `npm start`: the setup step creates the streams and buckets, then each service runs as its own
  // NATS user. Only the auth service receives the HS256 secret (the tests' tokens use the dev one).
  await runOnce(
    SETUP_ENTRY,
    { ...env, ...nats.envFor('setup'), IDP_STREAM_REPLICAS: String(shape.replicas) },
    60_000,
    'built',
    testRuntime(),
  );
  const authOnly = {
    IDP_JWT_SECRET: DEV_JWT_SECRET,
    ...(nats.setup && { IDP_NATS_PUBLISHER_SEED_FILE: nats.setup.publisherSignerFile }),
  };
  const services: Record<string, ServiceProcess> = {};
  const probeUrls: Record<string, string> = {};
  const ownEnv: Record<string, Record<string, string>> = {};
  // As `npm start`: ready is what the readiness probe says (the edge's and realtime's own listeners, or
  // the probe port); a service without either is ready at its log line. The ports are read from `env`
  // when the service starts: a test may give one instance other ports.
  const readyUrl = (name: string, probePort: number | undefined, own: Record<string, string>) => {
    if (name === 'edge') return `http://127.0.0.1:${own.IDP_HTTP_PORT ?? env.IDP_HTTP_PORT}/readyz`;
    if (name === 'realtime') return `http://127.0.0.1:${own.IDP_WS_PORT ?? env.IDP_WS_PORT}/readyz`;
    return probePort ? `http://127.0.0.1:${probePort}/readyz` : undefined;
  };
  const startService = async (name: string, instance = name, given?: Record<string, string>) => {
    const own = given ?? ownEnv[instance] ?? {};
    ownEnv[instance] = own;
    const probePort = options.probePorts ? await freePort() : undefined;
    if (probePort) probeUrls[instance] = `http://127.0.0.1:${probePort}`;
    services[instance] = await startServiceProcess({
      name: instance,
      entry: entry(name),
      env: {
        ...env,
        ...nats.envFor(name as NatsUser),
        ...(name === 'auth' && authOnly),
        IDP_INSTANCE_ID: instance,
        ...(probePort && { IDP_HEALTH_PORT: String(probePort) }),
        ...own,
      },
      readyUrl: readyUrl(name, probePort, own),
      // The build output, as production runs it (global-setup.ts builds it when stale).
      code: 'built',
      runtime: testRuntime(),
    });
    return services[instance]!;
  };
  // Every instance after the first of a service gets its own listener ports.
  const startInstances = async (name: string) => {
    if (shape.instances === 1) return void (await startService(name));
    for (let i = 1; i <= shape.instances; i++) {
      const own: Record<string, string> = { ...shape.serviceEnv?.[name] };
      if (name === 'edge') own.IDP_HTTP_PORT = i === 1 ? env.IDP_HTTP_PORT! : String(await freePort());
      if (name === 'realtime') own.IDP_WS_PORT = i === 1 ? env.IDP_WS_PORT! : String(await freePort());
      await startService(name, `${name}-${i}`, own);
    }
  };
  const stop = async () => {
    await Promise.allSettled(Object.values(services).map((s) => s.stop()));
    await nats.cleanup();
  };
  try {
    // In turn (the three backends together): five processes loading at once on two cores gained
    // 0.5 s of a system's start, and left each one's ready wait at the mercy of the others' load.
    await Promise.all(['auth', 'ratelimit', 'platform'].map(startInstances));
    await startInstances('realtime');
    await startInstances('edge');
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nats,
    services,
    env,
    probeUrls,
    ownEnv,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${wsPort}/ws/v1`,
    startService,
    stop,
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary envelopes
  body: any;
}

export function apiClient(baseUrl: string, token: string) {
  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body ?? {}, headers),
    put: (path: string, body: unknown, headers?: Record<string, string>) => call('PUT', path, body, headers),
    delete: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
  };
}
export type ApiClient = ReturnType<typeof apiClient>;

export const adminToken = (tenant: string, sub = `${tenant}-admin`) =>
  mintToken({ sub, tenant, roles: [{ role: 'admin', scope: `tenant:${tenant}` }] });

/** Polls an operation until it reaches a terminal status (bounded). */
export async function waitForOperation(api: ApiClient, operationId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: ApiResponse | undefined;
  while (Date.now() < deadline) {
    try {
      last = await api.get(`/operations/${operationId}`);
      if (last.status === 200 && ['succeeded', 'failed', 'cancelled'].includes(last.body.data.status))
        return last.body.data;
    } catch {
      // The edge may be briefly unreachable while a test restarts something; keep polling.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `operation ${operationId} did not finish within ${timeoutMs} ms; last: ${JSON.stringify(last?.body)}`,
  );
}
