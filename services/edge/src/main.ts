// Wires the edge: environment and gateway config, logger, NATS, HTTP server; stops on SIGTERM/SIGINT.
import { loadGatewayConfig, loadServerTls } from '@idp/config';
import { connectNats, natsAuthFromEnv } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { runService } from '@idp/service-kit';
import { buildEdgeApp } from './app.js';
import { readEdgeEnv } from './config.js';

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
    const app = await buildEdgeApp({ nc, config, logger, authCacheTtlMs: env.IDP_AUTH_CACHE_TTL_MS, tls });
    address = await app.listen({ port: env.IDP_HTTP_PORT, host: env.IDP_HTTP_HOST });
    return {
      stop: async () => {
        await app.close();
        await nc.drain();
      },
    };
  },
  { logger, readyFields: () => ({ address }) },
);
