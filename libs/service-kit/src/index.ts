// @idp/service-kit: the process lifecycle every service's main.ts shares (Node-specific, kept at the edge).

export { installLastResortHandlers } from './last-resort.js';
export { runService, type ServiceHandle } from './run-service.js';
