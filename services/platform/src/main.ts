// Process entry: read config, start the platform, stop gracefully on SIGTERM/SIGINT.
import { loadGatewayConfig, quotaFor, quotaSections } from '@idp/config';
import { createLogger } from '@idp/observability';
import { readPackageVersion, registerService, runService, startServiceMetrics } from '@idp/service-kit';
import { startTracing } from '@idp/tracing';
import { readPlatformEnv } from './config.js';
import { startPlatform } from './platform.js';

const env = readPlatformEnv();
const logger = createLogger({ service: 'platform', level: env.LOG_LEVEL });
const tracing = await startTracing({ service: 'platform', instance: env.IDP_INSTANCE_ID, logger });

await runService(
  async () => {
    const config = await loadGatewayConfig(env.IDP_CONFIG);
    const { quotas, tiers } = quotaSections(config, env.IDP_CONFIG);
    const metrics = startServiceMetrics({ service: 'platform', instance: env.IDP_INSTANCE_ID });
    const platform = await startPlatform({
      registry: metrics,
      natsUrl: env.NATS_URL,
      logger,
      env,
      roles: config.roles,
      quotas: (tenant) => quotaFor(quotas, tiers, tenant),
    });
    const discovery = await registerService(platform.nc, {
      name: 'platform',
      version: readPackageVersion(new URL('../package.json', import.meta.url)),
      description: 'the event-sourced Platform API backend',
      instance: env.IDP_INSTANCE_ID,
      load: () => {
        const runner = platform.deps.runnerHealth();
        return { operations_in_progress: runner.active, operations_completed: runner.completed };
      },
    });
    return {
      // Discovery first: a stopping instance stops answering pings, so /status stops counting it.
      stop: () =>
        discovery
          .stop()
          .then(() => platform.stop())
          .finally(() => tracing.shutdown()),
      ready: () => !platform.nc.isClosed(),
      metrics,
    };
  },
  {
    logger,
    readyFields: () => ({ instance: env.IDP_INSTANCE_ID }),
    healthPort: env.IDP_HEALTH_PORT,
    shutdown: env,
  },
);
