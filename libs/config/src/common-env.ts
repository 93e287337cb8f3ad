// Environment variables every service reads (design.md §3–4). Services extend this with their own.
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER } from '@idp/contracts';
import Type from 'typebox';

/** How a service authenticates to NATS and checks the server (design.md §9). */
export const NatsEnv = {
  /** The service's own `.creds` file (user JWT + nkey seed), the NATS convention. */
  NATS_CREDS: Type.Optional(Type.String({ minLength: 1 })),
  /** CA bundle that signed the NATS server's certificate: turns TLS on for the connection. */
  NATS_TLS_CA: Type.Optional(Type.String({ minLength: 1 })),
  /** Client certificate and key, for servers that require mutual TLS. */
  NATS_TLS_CERT: Type.Optional(Type.String({ minLength: 1 })),
  NATS_TLS_KEY: Type.Optional(Type.String({ minLength: 1 })),
};

/** Graceful shutdown on SIGTERM (design.md §10): not ready at once, then drain, bounded. */
export const ShutdownEnv = {
  /**
   * How long readiness answers 503 before the instance stops taking work, so load balancers and
   * Kubernetes endpoints stop routing to it first. 0 (the default: `npm start` and tests have no load
   * balancer); the manifests in k8s/ set a few seconds.
   */
  IDP_SHUTDOWN_DELAY_MS: Type.Integer({ minimum: 0, maximum: 120_000, default: 0 }),
  /** Bound on finishing in-flight work and draining NATS after the delay; past it the process exits 1. */
  IDP_SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 15_000 }),
};

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
  ...NatsEnv,
  ...ShutdownEnv,
};

export const JwtEnv = {
  /**
   * HS256 key of user tokens. No default: HS256 is accepted only when this is set on purpose, and only
   * the auth service's schema includes it (design.md §9).
   */
  IDP_JWT_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  IDP_JWT_ISSUER: Type.String({ minLength: 1, default: DEFAULT_JWT_ISSUER }),
  IDP_JWT_AUDIENCE: Type.String({ minLength: 1, default: DEFAULT_JWT_AUDIENCE }),
};
