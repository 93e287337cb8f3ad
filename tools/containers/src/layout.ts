// The shape of the system that `npm run containers:up` runs: names, ports (apart from `npm start`'s
// 4222/8080/8081 and from the tests' random ones), and which secret each container may see.
import { CACHE_DIR, type Service } from './paths.js';

/** Every container, secret and volume of the system carries this prefix and label. */
export const PREFIX = 'idp-ct';
export const LABEL = 'io.idp.containers=system';
export const STATE_DIR = `${CACHE_DIR}/system`;
export const STATE_FILE = `${STATE_DIR}/state.json`;

export const PORTS = {
  nats: 14222,
  natsMonitor: 18222,
  http: 18080,
  ws: 18081,
  probe: { auth: 19091, ratelimit: 19092, platform: 19093, realtime: 19094, edge: 19095 },
} as const satisfies Record<string, unknown>;

export const containerName = (what: Service | 'nats' | 'setup') => `${PREFIX}-${what}`;
export const NATS_VOLUME = `${PREFIX}-nats-data`;
export const NATS_URL = `nats://127.0.0.1:${PORTS.nats}`;

/** A podman secret that one container sees as an environment variable. */
export interface SecretUse {
  name: string;
  /** The variable it becomes. */
  target: string;
}

/** Only auth gets the HS256 secret and the at-rest key (docs/security.md); files come from ETC_DIR. */
export const AUTH_SECRETS: SecretUse[] = [
  { name: `${PREFIX}-auth-jwt-secret`, target: 'IDP_JWT_SECRET' },
  { name: `${PREFIX}-auth-encryption-key`, target: 'IDP_AUTH_ENCRYPTION_KEY' },
];

/** Each service's /etc/idp (etc-trees.ts): `<ETC_DIR>/<service>`, mounted read-only. */
export const ETC_DIR = `${STATE_DIR}/etc`;
/** nats-server.conf, mounted read-only at /etc/nats in the NATS container. */
export const NATS_CONF_DIR = `${STATE_DIR}/nats-conf`;

/** The environment of one service container (besides NODE_ENV=production from the image). */
export function serviceEnv(service: Service): Record<string, string> {
  const env: Record<string, string> = {
    NATS_URL,
    NATS_CREDS: `/etc/idp/nats/${service}.creds`,
    IDP_CONFIG: '/etc/idp/gateway.yaml',
    IDP_INSTANCE_ID: `${service}-ct`,
    IDP_HEALTH_PORT: String(PORTS.probe[service]),
  };
  if (service === 'edge')
    Object.assign(env, { IDP_HTTP_HOST: '127.0.0.1', IDP_HTTP_PORT: String(PORTS.http) });
  if (service === 'realtime') Object.assign(env, { IDP_WS_HOST: '127.0.0.1', IDP_WS_PORT: String(PORTS.ws) });
  if (service === 'auth') env.IDP_NATS_PUBLISHER_SEED_FILE = '/etc/idp/nats-publisher/seed';
  // Settings a caller may choose for the whole system (the tests shorten the operation stages).
  for (const name of PASSED_THROUGH) if (process.env[name]) env[name] = process.env[name]!;
  return env;
}

const PASSED_THROUGH = [
  'LOG_LEVEL',
  'IDP_OPERATION_STAGE_MS',
  'IDP_OPERATION_ACK_WAIT_MS',
  'IDP_SHUTDOWN_DELAY_MS',
  'IDP_SHUTDOWN_TIMEOUT_MS',
];

/** What tests and people need to talk to the running system; written to STATE_FILE by `up`. */
export interface SystemState {
  tag: string;
  baseUrl: string;
  wsUrl: string;
  natsUrl: string;
  natsMonitorUrl: string;
  probeUrls: Record<Service, string>;
  containers: Record<Service | 'nats', string>;
  /** HS256 key of user tokens (the auth container's IDP_JWT_SECRET), to mint test tokens with. */
  jwtSecretFile: string;
}
