// @idp/config: typed, validated configuration from the environment and config/gateway.yaml.
export {
  breakerSettings,
  type CircuitBreakerSettings,
  CircuitBreakersConfig,
} from './circuit-breaker-config.js';
export { CommonEnv, JwtEnv, NatsEnv, ShutdownEnv } from './common-env.js';
export { ConfigError, readEnv } from './env.js';
export { GatewayConfig, loadGatewayConfig, parseGatewayConfig } from './gateway-config.js';
export {
  parseQuotas,
  QuotaSpec,
  QuotasConfig,
  quotaFor,
  quotaSections,
  type TierAssignment,
  tenantTier,
} from './quota-config.js';
export * from './rate-limit-config.js';
export {
  defaultRealtimeConfig,
  EventsRetention,
  parseRealtimeConfig,
  RealtimeConfig,
  RealtimeTopicRule,
} from './realtime-config.js';
export {
  assertProductionSecret,
  assertSafeSecrets,
  DEV_AUTH_ENCRYPTION_KEY,
  MIN_SECRET_BYTES,
  weakSecretReason,
} from './secrets.js';
export { loadServerTls, type ServerTls, TlsEnv } from './tls.js';
