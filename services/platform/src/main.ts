// Process entry: read config, start the platform, stop gracefully on SIGTERM/SIGINT.
import { loadGatewayConfig } from '@idp/config';
import { createLogger } from '@idp/observability';
import { runService } from '@idp/service-kit';
import { readPlatformEnv } from './config.js';
import { startPlatform } from './platform.js';

const env = readPlatformEnv();
const logger = createLogger({ service: 'platform', level: env.LOG_LEVEL });

await runService(
  async () => {
    const config = await loadGatewayConfig(env.IDP_CONFIG);
    return startPlatform({ natsUrl: env.NATS_URL, logger, env, roles: config.roles });
  },
  {
    logger,
    readyFields: () => ({ instance: env.IDP_INSTANCE_ID }),
  },
);
