// Process entry: read config, start the platform, stop gracefully on SIGTERM/SIGINT.
import { createLogger } from '@idp/observability';
import { readPlatformEnv } from './config.js';
import { startPlatform } from './platform.js';

const env = readPlatformEnv();
const logger = createLogger({ service: 'platform', level: env.LOG_LEVEL });

try {
  const platform = await startPlatform({ natsUrl: env.NATS_URL, logger, env });
  logger.info({ instance: env.IDP_INSTANCE_ID }, 'service ready');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await platform.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'platform failed to start');
  process.exit(1);
}
