// The setup step: creates or updates every JetStream stream and KV bucket with the `setup` NATS user,
// then exits (0 done, 1 failed). `npm start` and the tests run it before the services; in Kubernetes
// it is a Job. Retention of IDP_EVENTS comes from `realtime.events_stream` in the gateway config.
import { CommonEnv, loadGatewayConfig, parseRealtimeConfig, readEnv } from '@idp/config';
import { natsAuthFromEnv, runSetupStep } from '@idp/nats';
import { createLogger } from '@idp/observability';
import Type from 'typebox';

const SetupEnv = Type.Object({
  ...CommonEnv,
  /**
   * Copies of every stream and bucket: 1 on one server (npm start), 3 on the cluster of k8s/. Raising
   * it scales existing streams up in place (docs/operations.md).
   */
  IDP_STREAM_REPLICAS: Type.Integer({ minimum: 1, maximum: 5, default: 1 }),
});
const env = readEnv(SetupEnv);
const logger = createLogger({ service: 'setup', level: env.LOG_LEVEL });

const ATTEMPTS = 5;

/** A server that has just started may accept connections before JetStream answers: a few tries. */
async function setUp(events: ReturnType<typeof parseRealtimeConfig>['events_stream']): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runSetupStep(
        { servers: env.NATS_URL, logger, firstConnectTimeoutMs: 30_000, ...natsAuthFromEnv(env, 'setup') },
        { events, replicas: env.IDP_STREAM_REPLICAS },
      );
      return;
    } catch (error) {
      if (attempt >= ATTEMPTS || /refused the credentials|Permissions Violation/i.test(String(error)))
        throw error;
      logger.warn({ err: error, attempt }, 'setup step failed, retrying');
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
}

try {
  const gateway = await loadGatewayConfig(env.IDP_CONFIG);
  await setUp(parseRealtimeConfig(gateway, env.IDP_CONFIG).events_stream);
  logger.info('setup complete: every stream and bucket exists');
} catch (error) {
  logger.fatal({ err: error }, 'setup failed');
  process.exitCode = 1;
}
