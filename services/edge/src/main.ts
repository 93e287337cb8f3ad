// Wires the edge: environment and gateway config, logger, NATS, HTTP server; stops on SIGTERM/SIGINT.
import { loadGatewayConfig, loadServerTls } from '@idp/config';
import { connectNats, natsAuthFromEnv } from '@idp/nats';
import { createLogger } from '@idp/observability';
import {
  drainNats,
  installNatsMetrics,
  readPackageVersion,
  registerService,
  runService,
} from '@idp/service-kit';
import { startTracing } from '@idp/tracing';
import { buildEdgeApp } from './app.js';
import { readEdgeEnv } from './config.js';
import { consoleOptionsFromEnv } from './console/index.js';
import { createReadinessCheck, readiness } from './health.js';
import { createEdgeMetrics } from './metrics.js';

const env = readEdgeEnv();
const logger = createLogger({ service: 'edge', level: env.LOG_LEVEL });
const tracing = await startTracing({ service: 'edge', instance: env.IDP_INSTANCE_ID, logger });
let address = '';
let draining = false;

await runService(
  async () => {
    const config = await loadGatewayConfig(env.IDP_CONFIG);
    const tls = await loadServerTls(env);
    const nc = await connectNats({
      servers: env.NATS_URL,
      name: `edge-${env.IDP_INSTANCE_ID}`,
      logger,
      ...natsAuthFromEnv(env, 'edge'),
    });
    const metrics = createEdgeMetrics({ instance: env.IDP_INSTANCE_ID });
    installNatsMetrics(metrics.registry);
    const checkReadiness = createReadinessCheck(() => readiness(nc));
    const app = await buildEdgeApp({
      nc,
      config,
      logger,
      authCacheTtlMs: env.IDP_AUTH_CACHE_TTL_MS,
      tls,
      metrics,
      readiness: checkReadiness,
      draining: () => draining,
      console: consoleOptionsFromEnv(env),
    });
    address = await app.listen({ port: env.IDP_HTTP_PORT, host: env.IDP_HTTP_HOST });
    const discovery = await registerService(nc, {
      name: 'edge',
      version: readPackageVersion(new URL('../package.json', import.meta.url)),
      description: 'the REST front door (/api/v1)',
      instance: env.IDP_INSTANCE_ID,
    });
    return {
      draining: () => {
        draining = true;
      },
      // fastify's close waits for in-flight requests (and closes idle keep-alive sockets).
      stop: async () => {
        // Discovery first: a stopping instance stops answering pings, so /status stops counting it.
        await discovery.stop();
        await app.close();
        await drainNats(nc, env.IDP_SHUTDOWN_TIMEOUT_MS);
        await tracing.shutdown();
      },
      ready: () => !nc.isClosed(),
      readiness: checkReadiness,
      metrics: metrics.registry,
    };
  },
  // The probe port serves /metrics and readiness details; the public listener serves neither.
  { logger, readyFields: () => ({ address }), healthPort: env.IDP_HEALTH_PORT, shutdown: env },
);
