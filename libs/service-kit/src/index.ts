// @idp/service-kit: the process lifecycle every service's main.ts shares (Node-specific, kept at the edge).

export { type MetricsSource, type ReadinessDetails, startHealthServer } from './health-server.js';
export { installLastResortHandlers } from './last-resort.js';
export { runService, type ServiceHandle } from './run-service.js';
