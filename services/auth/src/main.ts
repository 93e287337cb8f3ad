// Wires the auth service: environment, logger, NATS, then serves until SIGTERM/SIGINT.
import { assertSafeSecrets } from '@idp/config';
import { connectNats } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { readAuthEnv } from './config.js';
import { startAuthService } from './service.js';

const env = readAuthEnv();
assertSafeSecrets(env);
const logger = createLogger({ service: 'auth', level: env.LOG_LEVEL });
const nc = await connectNats({ servers: env.NATS_URL, name: `auth-${env.IDP_INSTANCE_ID}`, logger });
const service = startAuthService(nc, env, logger);
logger.info('service ready');

const shutdown = async (signal: string) => {
  logger.info({ signal }, 'shutting down');
  service.stop();
  await nc.drain();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
