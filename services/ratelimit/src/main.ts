// Wires the ratelimit service: environment, logger, NATS; serves until SIGTERM/SIGINT.
import { connectNats, natsAuthFromEnv } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { runService } from '@idp/service-kit';
import { readRateLimitEnv } from './config.js';
import { startRateLimitService } from './service.js';

const env = readRateLimitEnv();
const logger = createLogger({ service: 'ratelimit', level: env.LOG_LEVEL });
let version = '';

await runService(
  async () => {
    const nc = await connectNats({
      servers: env.NATS_URL,
      name: `ratelimit-${env.IDP_INSTANCE_ID}`,
      logger,
      ...natsAuthFromEnv(env, 'ratelimit'),
    });
    const service = await startRateLimitService(
      nc,
      {
        configPath: env.IDP_CONFIG,
        reloadDebounceMs: env.IDP_RATELIMIT_RELOAD_DEBOUNCE_MS,
        announceMs: env.IDP_RATELIMIT_ANNOUNCE_MS,
      },
      logger,
    );
    version = service.config.current().version;
    return {
      ready: () => !nc.isClosed(),
      stop: async () => {
        service.stop();
        await nc.drain();
      },
    };
  },
  { logger, readyFields: () => ({ config_version: version }), healthPort: env.IDP_HEALTH_PORT },
);
