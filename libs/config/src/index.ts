// @idp/config: typed, validated configuration from the environment and config/gateway.yaml.
export { assertSafeSecrets, CommonEnv, JwtEnv } from './common-env.js';
export { ConfigError, readEnv } from './env.js';
export { GatewayConfig, loadGatewayConfig, parseGatewayConfig } from './gateway-config.js';
