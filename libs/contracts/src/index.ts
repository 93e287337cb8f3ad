// @idp/contracts: the single source of truth for schemas, types, error codes and NATS subjects.
export * from './applications.js';
export * from './auth.js';
export * from './common.js';
export * from './credentials.js';
export * from './envelope.js';
export * from './errors.js';
export * from './events.js';
export * from './operations.js';
export * from './rate-limit.js';
export * from './realtime.js';
export * from './resources.js';
export * from './routes.js';
export * from './rpc.js';
export * from './status.js';
export * from './subjects.js';
export * from './teams.js';
