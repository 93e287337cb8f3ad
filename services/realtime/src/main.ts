// Wires the realtime service: environment, gateway config, logger, NATS, the /ws/v1 server. On SIGTERM
// (runService, shutdown.ts): not ready at once while sockets are still served, then, after
// IDP_SHUTDOWN_DELAY_MS, every client is told to reconnect elsewhere (close 4000, after its pending
// frames are flushed) and resumes there from its last seq; then NATS drains.
import { loadGatewayConfig, loadServerTls, parseRealtimeConfig } from '@idp/config';
import { connectNats, natsAuthFromEnv } from '@idp/nats';
import { createLogger } from '@idp/observability';
import {
  drainNats,
  readPackageVersion,
  registerService,
  runService,
  startServiceMetrics,
} from '@idp/service-kit';
import { startTracing } from '@idp/tracing';
import { readRealtimeEnv } from './config.js';
import { startRealtimeService } from './realtime-service.js';

const env = readRealtimeEnv();
const logger = createLogger({ service: 'realtime', level: env.LOG_LEVEL });
const tracing = await startTracing({ service: 'realtime', instance: env.IDP_INSTANCE_ID, logger });
let readyFields: Record<string, unknown> = {};
let draining = false;

await runService(
  async () => {
    const gateway = await loadGatewayConfig(env.IDP_CONFIG);
    const config = parseRealtimeConfig(gateway, env.IDP_CONFIG);
    const tls = await loadServerTls(env);
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
      metrics: startServiceMetrics({ service: 'realtime', instance: env.IDP_INSTANCE_ID }),
      draining: () => draining,
    });
    readyFields = { port: service.port, path: '/ws/v1', tls: tls !== undefined };
    const discovery = await registerService(nc, {
      name: 'realtime',
      version: readPackageVersion(new URL('../package.json', import.meta.url)),
      description: 'the WebSocket endpoint (/ws/v1) with resumable event streams',
      instance: env.IDP_INSTANCE_ID,
      load: () => ({ open_connections: service.server.connections.size }),
    });
    return {
      // The WS port's /readyz (what the k8s probe asks) fails too, not only the probe port's.
      draining: () => {
        draining = true;
      },
      stop: async () => {
        // Discovery first: a stopping instance stops answering pings, so /status stops counting it.
        await discovery.stop();
        await service.close();
        await drainNats(nc, env.IDP_SHUTDOWN_TIMEOUT_MS);
        await tracing.shutdown();
      },
      ready: service.ready,
      // Prometheus metrics (breaker states among them) on the probe port only.
      metrics: service.metrics,
    };
  },
  { logger, readyFields: () => readyFields, healthPort: env.IDP_HEALTH_PORT, shutdown: env },
);
