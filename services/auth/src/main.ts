// Wires the auth service: environment, role catalogue, logger, NATS; serves until SIGTERM/SIGINT.
import { assertSafeSecrets, loadGatewayConfig } from '@idp/config';
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
import { readAuthEnv } from './config.js';
import { encryptionKeyFromEnv } from './key-encryption.js';
import { startAuthService } from './service.js';

const env = readAuthEnv();
const logger = createLogger({ service: 'auth', level: env.LOG_LEVEL });
const tracing = await startTracing({ service: 'auth', instance: env.IDP_INSTANCE_ID, logger });

await runService(
  async () => {
    // Secrets are checked before anything connects: a bad one fails start with the variable named.
    assertSafeSecrets(env);
    encryptionKeyFromEnv(env);
    const config = await loadGatewayConfig(env.IDP_CONFIG);
    const nc = await connectNats({
      servers: env.NATS_URL,
      name: `auth-${env.IDP_INSTANCE_ID}`,
      logger,
      ...natsAuthFromEnv(env, 'auth'),
    });
    const metrics = startServiceMetrics({ service: 'auth', instance: env.IDP_INSTANCE_ID });
    const service = await startAuthService(nc, env, config.roles, logger, config, metrics);
    const discovery = await registerService(nc, {
      name: 'auth',
      version: readPackageVersion(new URL('../package.json', import.meta.url)),
      description: "authentication and the principal's roles",
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
    readyFields: () => ({ oidc: env.IDP_OIDC_ISSUER ?? null }),
    healthPort: env.IDP_HEALTH_PORT,
    shutdown: env,
  },
);
