// The setup step: creates or updates every JetStream stream and KV bucket with the `setup` NATS user,
// then exits (0 done, 1 failed). `npm start` and the tests run it before the services; in Kubernetes
// it is a Job. Retention of IDP_EVENTS comes from `realtime.events_stream` in the gateway config.
import { CommonEnv, loadGatewayConfig, parseRealtimeConfig, readEnv } from '@idp/config';
import { natsAuthFromEnv, runSetupStep } from '@idp/nats';
import { createLogger } from '@idp/observability';
import Type from 'typebox';

const env = readEnv(Type.Object(CommonEnv));
const logger = createLogger({ service: 'setup', level: env.LOG_LEVEL });

try {
  const gateway = await loadGatewayConfig(env.IDP_CONFIG);
  const events = parseRealtimeConfig(gateway, env.IDP_CONFIG).events_stream;
  await runSetupStep(
    { servers: env.NATS_URL, logger, firstConnectTimeoutMs: 30_000, ...natsAuthFromEnv(env, 'setup') },
    { events },
  );
  logger.info('setup complete: every stream and bucket exists');
} catch (error) {
  logger.fatal({ err: error }, 'setup failed');
  process.exitCode = 1;
}
