// Starts the whole system as separate processes (nats-server, auth, platform, edge) the way
// `npm start` does, and gives tests a small REST client that speaks the contract's envelopes.
import { DEV_JWT_SECRET } from '@idp/contracts';
import {
  freePort,
  mintToken,
  type NatsServerHandle,
  type NatsUser,
  runOnce,
  SETUP_ENTRY,
  type ServiceProcess,
  startNatsServer,
  startServiceProcess,
} from '@idp/testing';

const root = new URL('../../', import.meta.url).pathname;
const entry = (service: string) => `${root}services/${service}/src/main.ts`;

export interface System {
  nats: NatsServerHandle;
  services: Record<string, ServiceProcess>;
  baseUrl: string;
  /** The realtime service's WebSocket endpoint. */
  wsUrl: string;
  env: Record<string, string>;
  /** `http://127.0.0.1:<IDP_HEALTH_PORT>` of each service instance, with `probePorts: true`. */
  probeUrls: Record<string, string>;
  startService(name: string, instance?: string): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  stageMs?: number;
  ackWaitMs?: number;
  /** IDP_CONFIG for the setup step and every service; default config/gateway.yaml. */
  configPath?: string;
  /** Give each service a probe port (IDP_HEALTH_PORT: /healthz, /readyz, /metrics). */
  probePorts?: boolean;
}

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const nats = await startNatsServer();
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
  };
  // As `npm start`: the setup step creates the streams and buckets, then each service runs as its own
  // NATS user. Only the auth service receives the HS256 secret (the tests' tokens use the dev one).
  await runOnce(SETUP_ENTRY, { ...env, ...nats.envFor('setup') });
  const authOnly = {
    IDP_JWT_SECRET: DEV_JWT_SECRET,
    ...(nats.setup && { IDP_NATS_PUBLISHER_SEED_FILE: nats.setup.publisherSignerFile }),
  };
  const services: Record<string, ServiceProcess> = {};
  const probeUrls: Record<string, string> = {};
  // As `npm start`: ready is what the readiness probe says (the edge's and realtime's own listeners, or
  // the probe port); a service without either is ready at its log line. The ports are read from `env`
  // when the service starts: a test may give one instance other ports.
  const readyUrl = (name: string, probePort: number | undefined) => {
    if (name === 'edge') return `http://127.0.0.1:${env.IDP_HTTP_PORT}/readyz`;
    if (name === 'realtime') return `http://127.0.0.1:${env.IDP_WS_PORT}/readyz`;
    return probePort ? `http://127.0.0.1:${probePort}/readyz` : undefined;
  };
  const startService = async (name: string, instance = name) => {
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
      },
      readyUrl: readyUrl(name, probePort),
    });
    return services[instance]!;
  };
  try {
    await Promise.all([startService('auth'), startService('ratelimit'), startService('platform')]);
    await startService('realtime');
    await startService('edge');
  } catch (error) {
    await Promise.allSettled(Object.values(services).map((s) => s.stop()));
    await nats.cleanup();
    throw error;
  }
  return {
    nats,
    services,
    env,
    probeUrls,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${wsPort}/ws/v1`,
    startService,
    stop: async () => {
      await Promise.allSettled(Object.values(services).map((s) => s.stop()));
      await nats.cleanup();
    },
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
