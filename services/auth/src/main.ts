// Wires the auth service: environment, role catalogue, logger, NATS; serves until SIGTERM/SIGINT.
import { assertSafeSecrets, loadGatewayConfig } from '@idp/config';
import { connectNats, natsAuthFromEnv } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { runService } from '@idp/service-kit';
import { readAuthEnv } from './config.js';
import { encryptionKeyFromEnv } from './key-encryption.js';
import { startAuthService } from './service.js';

const env = readAuthEnv();
const logger = createLogger({ service: 'auth', level: env.LOG_LEVEL });

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
    const service = await startAuthService(nc, env, config.roles, logger, config);
    return {
      ready: () => !nc.isClosed(),
      stop: async () => {
        service.stop();
        await nc.drain();
      },
    };
  },
  { logger, readyFields: () => ({ oidc: env.IDP_OIDC_ISSUER ?? null }), healthPort: env.IDP_HEALTH_PORT },
);
