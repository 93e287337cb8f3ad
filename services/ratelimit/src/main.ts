// Wires the ratelimit service: environment, logger, NATS; serves until SIGTERM/SIGINT.
import { connectNats, natsAuthFromEnv } from '@idp/nats';
import { createLogger } from '@idp/observability';
import {
  readPackageVersion,
  registerService,
  runService,
  startServiceMetrics,
  stopTakingRequests,
} from '@idp/service-kit';
import { startTracing } from '@idp/tracing';
import { readRateLimitEnv } from './config.js';
import { startRateLimitService } from './service.js';

const env = readRateLimitEnv();
const logger = createLogger({ service: 'ratelimit', level: env.LOG_LEVEL });
const tracing = await startTracing({ service: 'ratelimit', instance: env.IDP_INSTANCE_ID, logger });
let version = '';

await runService(
  async () => {
    const nc = await connectNats({
      servers: env.NATS_URL,
      name: `ratelimit-${env.IDP_INSTANCE_ID}`,
      logger,
      ...natsAuthFromEnv(env, 'ratelimit'),
    });
    const metrics = startServiceMetrics({ service: 'ratelimit', instance: env.IDP_INSTANCE_ID });
    const service = await startRateLimitService(
      nc,
      {
        registry: metrics,
        configPath: env.IDP_CONFIG,
        reloadDebounceMs: env.IDP_RATELIMIT_RELOAD_DEBOUNCE_MS,
        announceMs: env.IDP_RATELIMIT_ANNOUNCE_MS,
      },
      logger,
    );
    version = service.config.current().version;
    const discovery = await registerService(nc, {
      name: 'ratelimit',
      version: readPackageVersion(new URL('../package.json', import.meta.url)),
      description: 'the shared rate-limit counters, leased to the edges',
      instance: env.IDP_INSTANCE_ID,
    });
    return {
      metrics,
      ready: () => !nc.isClosed(),
      stop: async () => {
        // Discovery first: a stopping instance stops answering pings, so /status stops counting it.
        await discovery.stop();
        // Answer what already arrived before the timers stop and NATS drains (nats-drain.ts).
        await stopTakingRequests(nc, env.IDP_SHUTDOWN_TIMEOUT_MS);
        service.stop();
        await nc.drain();
        await tracing.shutdown();
      },
    };
  },
  {
    logger,
    readyFields: () => ({ config_version: version }),
    healthPort: env.IDP_HEALTH_PORT,
    shutdown: env,
  },
);
