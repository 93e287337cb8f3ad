// Which processes a local cluster runs and with what environment: two instances of every service, each
// with its own instance id, ports and probe port. Made before NATS starts (the entry's ports are
// checked first), so the NATS part of the environment (every server, the service's own credentials)
// comes from `natsEnv` at launch. Pure apart from asking for free ports.
import { join } from 'node:path';

/** Start order: each service finds the ones it asks (auth first, the edge last). */
export const SERVICES = ['auth', 'ratelimit', 'platform', 'realtime', 'edge'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const INSTANCES_PER_SERVICE = 2;

/** The stream and bucket copies the setup step asks for: one per NATS server. */
export const STREAM_REPLICAS = 3;

export interface InstancePlan {
  /** `edge-1`, `edge-2`, …: its IDP_INSTANCE_ID and the prefix of its log lines. */
  name: string;
  service: ServiceName;
  /** The service's main.ts, relative to the repository root. */
  entry: string;
  /** Everything but NATS_URL and NATS_CREDS, which `natsEnv` adds at launch. */
  env: Record<string, string>;
  /** `GET /readyz` on its probe port (IDP_HEALTH_PORT). */
  probeUrl: string;
  /** Where clients reach it: REST for an edge, WebSocket for a realtime instance. */
  publicUrl?: string;
}

export interface PlanInputs {
  /** The environment the cluster was started with; what it sets per instance is replaced. */
  baseEnv: Record<string, string | undefined>;
  /** Seed file of the tenant-publisher signing key (the auth service issues tenant credentials). */
  publisherSeedFile: string;
  jwtSecret: string;
  /** The REST entry's port: the console's origin, which realtime accepts. */
  entryHttpPort: number;
  freePort: () => Promise<number>;
}

/**
 * Settings that belong to one instance or one user: taken from the caller's environment they would make
 * every instance fight for the same port, or hand one service's secret to all of them.
 */
const PER_INSTANCE = [
  'NATS_URL',
  'NATS_CREDS',
  'IDP_INSTANCE_ID',
  'IDP_HEALTH_PORT',
  'IDP_HTTP_PORT',
  'IDP_HTTP_HOST',
  'IDP_WS_PORT',
  'IDP_WS_HOST',
  'IDP_JWT_SECRET',
  'IDP_AUTH_ENCRYPTION_KEY',
  'IDP_NATS_PUBLISHER_SEED_FILE',
  'IDP_STREAM_REPLICAS',
];

/** The caller's environment without what belongs to one instance or one user. */
export function sharedEnv(baseEnv: PlanInputs['baseEnv']): Record<string, string> {
  const shared: Record<string, string> = {};
  for (const [key, value] of Object.entries(baseEnv)) {
    if (value !== undefined && !PER_INSTANCE.includes(key)) shared[key] = value;
  }
  return shared;
}

/** The setup step's environment (but NATS): every stream and bucket with three copies. */
export function setupEnv(baseEnv: PlanInputs['baseEnv']): Record<string, string> {
  return { ...sharedEnv(baseEnv), IDP_STREAM_REPLICAS: String(STREAM_REPLICAS) };
}

/** NATS_URL (every server of the cluster) and NATS_CREDS (the user's own), for one process. */
export type NatsEnv = (user: ServiceName | 'setup') => Record<string, string>;

export async function planInstances(inputs: PlanInputs): Promise<InstancePlan[]> {
  const plans: InstancePlan[] = [];
  for (const service of SERVICES) {
    for (let index = 1; index <= INSTANCES_PER_SERVICE; index++) {
      plans.push(await planInstance(service, index, inputs));
    }
  }
  return plans;
}

async function planInstance(service: ServiceName, index: number, inputs: PlanInputs): Promise<InstancePlan> {
  const name = `${service}-${index}`;
  const probePort = await inputs.freePort();
  const env: Record<string, string> = {
    ...sharedEnv(inputs.baseEnv),
    IDP_INSTANCE_ID: name,
    IDP_HEALTH_PORT: String(probePort),
  };
  let publicUrl: string | undefined;
  if (service === 'auth') Object.assign(env, authSecrets(inputs));
  if (service === 'edge') {
    const port = await inputs.freePort();
    Object.assign(env, { IDP_HTTP_PORT: String(port), IDP_HTTP_HOST: '127.0.0.1' });
    publicUrl = `http://127.0.0.1:${port}/api/v1`;
  }
  if (service === 'realtime') {
    const port = await inputs.freePort();
    // IDP_HTTP_PORT tells realtime where the console is served from: the entry, not one edge.
    Object.assign(env, {
      IDP_WS_PORT: String(port),
      IDP_WS_HOST: '127.0.0.1',
      IDP_HTTP_PORT: String(inputs.entryHttpPort),
    });
    publicUrl = `ws://127.0.0.1:${port}/ws/v1`;
  }
  return {
    name,
    service,
    entry: join('services', service, 'src', 'main.ts'),
    env,
    probeUrl: `http://127.0.0.1:${probePort}/readyz`,
    publicUrl,
  };
}

/** Only the auth service gets the signing secret and keys, and both instances the same ones. */
function authSecrets(inputs: PlanInputs): Record<string, string> {
  const secrets: Record<string, string> = {
    IDP_JWT_SECRET: inputs.jwtSecret,
    IDP_NATS_PUBLISHER_SEED_FILE: inputs.publisherSeedFile,
  };
  const encryptionKey = inputs.baseEnv.IDP_AUTH_ENCRYPTION_KEY;
  if (encryptionKey) secrets.IDP_AUTH_ENCRYPTION_KEY = encryptionKey;
  return secrets;
}
