// Wires the realtime service: environment, gateway config, logger, NATS, the /ws/v1 server; stops on
// SIGTERM/SIGINT by telling clients to reconnect elsewhere (close 4000) and draining NATS.
import { loadGatewayConfig, loadServerTls, parseRealtimeConfig } from '@idp/config';
import { connectNats, natsAuthFromEnv } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { installLastResortHandlers, startHealthServer } from '@idp/service-kit';
import { readRealtimeEnv } from './config.js';
import { startRealtimeService } from './realtime-service.js';

const env = readRealtimeEnv();
const gateway = await loadGatewayConfig(env.IDP_CONFIG);
const config = parseRealtimeConfig(gateway, env.IDP_CONFIG);
const tls = await loadServerTls(env);
const logger = createLogger({ service: 'realtime', level: env.LOG_LEVEL });
// A request must never stop the process: log what escaped and keep serving.
installLastResortHandlers(logger);
const nc = await connectNats({
  servers: env.NATS_URL,
  name: `realtime-${env.IDP_INSTANCE_ID}`,
  logger,
  ...natsAuthFromEnv(env, 'realtime'),
});
const service = await startRealtimeService({
  nc,
  config,
  roles: gateway.roles,
  logger,
  port: env.IDP_WS_PORT,
  host: env.IDP_WS_HOST,
  rpcTimeoutMs: env.IDP_REALTIME_RPC_TIMEOUT_MS,
  tls,
  edgePort: env.IDP_HTTP_PORT,
  circuitBreakers: gateway.circuit_breakers,
});
// Prometheus metrics (breaker states among them) and readiness details on the probe port only.
const probe = env.IDP_HEALTH_PORT
  ? await startHealthServer(env.IDP_HEALTH_PORT, { ready: service.ready, metrics: service.metrics })
  : undefined;
logger.info({ port: service.port, path: '/ws/v1', tls: tls !== undefined }, 'service ready');

const shutdown = async (signal: string) => {
  logger.info({ signal }, 'shutting down');
  probe?.close();
  await service.close();
  await nc.drain();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
