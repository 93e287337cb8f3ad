// Environment variables every service reads (design.md §3–4). Services extend this with their own.
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEV_JWT_SECRET } from '@idp/contracts';
import Type, { type Static } from 'typebox';
import { ConfigError } from './env.js';

export const CommonEnv = {
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222' }),
  NODE_ENV: Type.String({ default: 'development' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** Distinguishes instances of one service in logs and in the operations they claim. */
  IDP_INSTANCE_ID: Type.String({ default: `${process.pid}` }),
  IDP_CONFIG: Type.String({ default: 'config/gateway.yaml' }),
  /** Port of /healthz and /readyz for probes, on services without an HTTP server of their own. */
  IDP_HEALTH_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
};

export const JwtEnv = {
  IDP_JWT_SECRET: Type.String({ minLength: 16, default: DEV_JWT_SECRET }),
  IDP_JWT_ISSUER: Type.String({ minLength: 1, default: DEFAULT_JWT_ISSUER }),
  IDP_JWT_AUDIENCE: Type.String({ minLength: 1, default: DEFAULT_JWT_AUDIENCE }),
};
const JwtEnvSchema = Type.Object({ ...JwtEnv, NODE_ENV: CommonEnv.NODE_ENV });

/** Production must never run on the published development secret. */
export function assertSafeSecrets(env: Static<typeof JwtEnvSchema>): void {
  if (env.NODE_ENV === 'production' && env.IDP_JWT_SECRET === DEV_JWT_SECRET) {
    throw new ConfigError(
      'IDP_JWT_SECRET: the development default must not be used with NODE_ENV=production',
    );
  }
}
