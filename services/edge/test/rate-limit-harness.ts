// Edges (in-process fastify apps, each with its own NATS connection) in front of real ratelimit and
// auth processes and a stub platform responder, all on one test nats-server; the gateway config is a
// temp file the tests can rewrite to exercise reloads.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig, parseGatewayConfig } from '@idp/config';
import { DEV_JWT_SECRET, RpcSubjects } from '@idp/contracts';
import { connectNats, encodeJson, runSetupStep } from '@idp/nats';
import { createLogger } from '@idp/observability';
import {
  mintToken,
  type NatsServerHandle,
  type ServiceProcess,
  startNatsServer,
  startServiceProcess,
} from '@idp/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { stringify } from 'yaml';
import { buildEdgeApp } from '../src/app.js';

const root = new URL('../../../', import.meta.url).pathname;

export interface RateLimitHarness {
  server: NatsServerHandle;
  edges: FastifyInstance[];
  ratelimit: ServiceProcess[];
  writeConfig(rateLimits: unknown): Promise<void>;
  writeRaw(text: string): Promise<void>;
  call(
    edge: number,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const tokenFor = (sub: string, tenant: string) => mintToken({ sub, tenant });

export async function startRateLimitHarness(options: {
  rateLimits: unknown;
  edges?: number;
  ratelimitInstances?: number;
}): Promise<RateLimitHarness> {
  const server = await startNatsServer();
  const logger = createLogger({ service: 'edge-test', level: 'silent' });
  await runSetupStep({ servers: server.url, logger, ...server.as('setup') });
  const dir = await mkdtemp(join(tmpdir(), 'idp-edge-rl-'));
  const path = join(dir, 'gateway.yaml');
  const shipped = await loadGatewayConfig(`${root}config/gateway.yaml`);
  const document = (rateLimits: unknown) =>
    stringify({ roles: shipped.roles, http: { backend_timeout_ms: 2_000 }, rate_limits: rateLimits });
  await writeFile(path, document(options.rateLimits));

  const env = {
    NATS_URL: server.url,
    IDP_CONFIG: path,
    LOG_LEVEL: 'info',
    IDP_RATELIMIT_RELOAD_DEBOUNCE_MS: '30',
  };
  const entry = (service: string) => `${root}services/${service}/src/main.ts`;
  const [auth, ...ratelimit] = await Promise.all([
    // The tests' tokens are minted with the development secret; HS256 is off unless it is given.
    startServiceProcess({
      name: 'auth',
      entry: entry('auth'),
      env: { ...env, ...server.envFor('auth'), IDP_JWT_SECRET: DEV_JWT_SECRET },
    }),
    ...Array.from({ length: options.ratelimitInstances ?? 1 }, (_, i) =>
      startServiceProcess({
        name: `ratelimit-${i}`,
        entry: entry('ratelimit'),
        env: { ...env, ...server.envFor('ratelimit'), IDP_INSTANCE_ID: `rl${i}` },
      }),
    ),
  ]);
  const platformNc = await connectNats({
    servers: server.url,
    name: 'platform-stub',
    logger,
    ...server.as('platform'),
  });
  platformNc.subscribe(RpcSubjects.platformAll, {
    callback: (_err, msg) => {
      msg.respond(encodeJson({ ok: true, status: 200, data: {} }));
    },
  });
  const connections: NatsConnection[] = [platformNc];
  const edges: FastifyInstance[] = [];
  for (let i = 0; i < (options.edges ?? 1); i++) {
    const nc = await connectNats({ servers: server.url, name: `edge-${i}`, logger, ...server.as('edge') });
    connections.push(nc);
    const config = parseGatewayConfig(document(options.rateLimits));
    const app = await buildEdgeApp({ nc, config, logger, authCacheTtlMs: 30_000 });
    await app.ready();
    edges.push(app);
  }
  return {
    server,
    edges,
    ratelimit,
    writeConfig: (rateLimits) => writeFile(path, document(rateLimits)),
    writeRaw: (text) => writeFile(path, text),
    call: (edge, method, url, token, body) =>
      edges[edge]!.inject({
        method: method as 'GET',
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(body === undefined ? {} : { payload: body as object }),
      }),
    close: async () => {
      await Promise.all(edges.map((app) => app.close()));
      await Promise.allSettled([auth!.stop(), ...ratelimit.map((r) => r.stop())]);
      await Promise.all(connections.map((nc) => nc.close()));
      await server.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
