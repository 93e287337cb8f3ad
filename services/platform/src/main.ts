// Process entry: read config, start the platform, stop gracefully on SIGTERM/SIGINT.
import { loadGatewayConfig, quotaFor, quotaSections } from '@idp/config';
import { createLogger } from '@idp/observability';
import { runService } from '@idp/service-kit';
import { readPlatformEnv } from './config.js';
import { startPlatform } from './platform.js';

const env = readPlatformEnv();
const logger = createLogger({ service: 'platform', level: env.LOG_LEVEL });

await runService(
  async () => {
    const config = await loadGatewayConfig(env.IDP_CONFIG);
    const { quotas, tiers } = quotaSections(config, env.IDP_CONFIG);
    const platform = await startPlatform({
      natsUrl: env.NATS_URL,
      logger,
      env,
      roles: config.roles,
      quotas: (tenant) => quotaFor(quotas, tiers, tenant),
    });
    return { stop: () => platform.stop(), ready: () => !platform.nc.isClosed() };
  },
  {
    logger,
    readyFields: () => ({ instance: env.IDP_INSTANCE_ID }),
    healthPort: env.IDP_HEALTH_PORT,
  },
);
