// @idp/service-kit: the process lifecycle every service's main.ts shares (Node-specific, kept at the edge).

export {
  type DiscoveredInstance,
  type DiscoverOptions,
  discoverInstances,
  registerService,
  type ServiceRegistration,
  type ServiceRegistrationHandle,
} from './discovery.js';
export { type MetricsSource, type ReadinessDetails, startHealthServer } from './health-server.js';
export { installLastResortHandlers } from './last-resort.js';
export {
  Counter,
  createNatsMetrics,
  createServiceRegistry,
  Gauge,
  Histogram,
  installNatsMetrics,
  OVERFLOW_LABEL,
  Registry,
  type ServiceRegistryOptions,
  startServiceMetrics,
  subjectLabel,
} from './metrics.js';
export { drainNats, requestsInFlight, stopTakingRequests } from './nats-drain.js';
export { readPackageVersion } from './package-version.js';
export { runService, type ServiceHandle } from './run-service.js';
