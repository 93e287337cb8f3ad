// One system per chaos file: a 3-node JetStream cluster with R3 streams, two instances of every
// service, and readiness-aware balancers over both edges and both realtime instances (what a
// Kubernetes Service does), so the load reaches whichever instance is ready.
import { ReadinessBalancer } from '../test/rolling/load-balancer.js';
import { type ClusterSystem, startClusterSystem } from '../test/system.js';
import { writeChaosConfig } from './chaos-config.js';

export const SCENARIO_TENANTS = ['chaos-a', 'chaos-b', 'chaos-c', 'chaos-d'] as const;

export interface ChaosFixture {
  system: ClusterSystem;
  edges: ReadinessBalancer;
  realtimes: ReadinessBalancer;
  localFallbackShare: number;
  stop(): Promise<void>;
}

export async function startChaosFixture(): Promise<ChaosFixture> {
  const config = await writeChaosConfig([...SCENARIO_TENANTS]);
  const system = await startClusterSystem({
    configPath: config.path,
    probePorts: true,
    stageMs: 100,
    // Small, as a test can afford: the balancers poll every 100 ms.
    env: { IDP_SHUTDOWN_DELAY_MS: '400', IDP_SHUTDOWN_TIMEOUT_MS: '4000', LOG_LEVEL: 'warn' },
    // How realtime's live feed and the platform recover from a NATS fault is logged at info: kept for the report.
    serviceEnv: { realtime: { LOG_LEVEL: 'info' }, platform: { LOG_LEVEL: 'info' } },
  });
  // The edge's probe port, as the rolling-restart test and k8s/edge.yaml ask it.
  const edges = new ReadinessBalancer(
    Object.entries(system.edgeUrls).map(([instance, url]) => ({
      url,
      readyUrl: () => system.probeUrls[instance] && `${system.probeUrls[instance]}/readyz`,
    })),
  );
  const realtimes = new ReadinessBalancer(
    Object.values(system.wsUrls).map((url) => ({
      url,
      readyUrl: () => `${url.replace(/^ws/, 'http').replace(/\/ws\/v1$/, '')}/readyz`,
    })),
  );
  await Promise.all([edges.start(), realtimes.start()]);
  return {
    system,
    edges,
    realtimes,
    localFallbackShare: config.localFallbackShare,
    stop: async () => {
      edges.stop();
      realtimes.stop();
      await system.stop();
    },
  };
}
