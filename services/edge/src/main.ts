// Wires the edge: environment and gateway config, logger, NATS, HTTP server; stops on SIGTERM/SIGINT.
import { loadGatewayConfig, loadServerTls } from '@idp/config';
import { connectNats, natsAuthFromEnv } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { runService } from '@idp/service-kit';
import { buildEdgeApp } from './app.js';
import { readEdgeEnv } from './config.js';
import { createReadinessCheck, readiness } from './health.js';
import { createEdgeMetrics } from './metrics.js';

const env = readEdgeEnv();
const logger = createLogger({ service: 'edge', level: env.LOG_LEVEL });
let address = '';

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
    const metrics = createEdgeMetrics();
    const checkReadiness = createReadinessCheck(() => readiness(nc));
    const app = await buildEdgeApp({
      nc,
      config,
      logger,
      authCacheTtlMs: env.IDP_AUTH_CACHE_TTL_MS,
      tls,
      metrics,
      readiness: checkReadiness,
    });
    address = await app.listen({ port: env.IDP_HTTP_PORT, host: env.IDP_HTTP_HOST });
    return {
      stop: async () => {
        await app.close();
        await nc.drain();
      },
      ready: () => !nc.isClosed(),
      readiness: checkReadiness,
      metrics: metrics.registry,
    };
  },
  // The probe port serves /metrics and readiness details; the public listener serves neither.
  { logger, readyFields: () => ({ address }), healthPort: env.IDP_HEALTH_PORT },
);
