// The whole system from the images: NATS in operator mode, the setup step, then every service, each a
// container on the host network (127.0.0.1), as user 1000 with a read-only root filesystem and only its
// own secrets. `down` removes every container, secret and volume it made.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { writeNatsSetup } from '@idp/nats-auth';
import { writeServiceTrees, writeTree } from './etc-trees.js';
import { imageTag } from './images.js';
import {
  AUTH_SECRETS,
  containerName,
  ETC_DIR,
  LABEL,
  NATS_CONF_DIR,
  NATS_URL,
  NATS_VOLUME,
  PORTS,
  STATE_DIR,
  STATE_FILE,
  type SystemState,
  serviceEnv,
} from './layout.js';
import {
  envArgs,
  HARDENED,
  type NatsContainer,
  runSetupContainer,
  startNatsContainer,
} from './nats-container.js';
import { SERVICES, type Service, serviceImage } from './paths.js';
import { podman, podmanOk } from './podman.js';
import { createSecret, removeSecrets, secretArgs } from './secrets.js';
import { assertPortsFree, waitForOk } from './wait.js';

/** NATS operator and users, each service's /etc/idp tree, and auth's secret variables. */
async function makeCredentials(): Promise<string> {
  const nats = await writeNatsSetup(`${STATE_DIR}/nats`);
  await writeServiceTrees(ETC_DIR, nats);
  await writeTree(NATS_CONF_DIR, { 'nats-server.conf': (path) => copyFile(nats.configFile, path) });
  const jwtSecretFile = `${STATE_DIR}/jwt-secret`;
  await writeFile(jwtSecretFile, randomBytes(48).toString('base64'), { mode: 0o600 });
  const keyFile = `${STATE_DIR}/encryption-key`;
  await writeFile(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  const [jwt, encryption] = AUTH_SECRETS;
  await createSecret(jwt!.name, jwtSecretFile);
  await createSecret(encryption!.name, keyFile);
  return jwtSecretFile;
}

const NATS: NatsContainer = {
  name: containerName('nats'),
  volume: NATS_VOLUME,
  port: PORTS.nats,
  monitorPort: PORTS.natsMonitor,
  configDir: NATS_CONF_DIR,
};

async function startService(service: Service, tag: string) {
  const args = [
    'run',
    '-d',
    '--name',
    containerName(service),
    ...HARDENED,
    '-v',
    `${ETC_DIR}/${service}:/etc/idp:ro`,
  ];
  if (service === 'auth') args.push(...secretArgs(AUTH_SECRETS));
  args.push(...envArgs(serviceEnv(service)), serviceImage(service, tag));
  await podman(args);
}

const probeUrl = (service: Service) => `http://127.0.0.1:${PORTS.probe[service]}`;

async function lastLines(name: string): Promise<string> {
  const logs = await podman(['logs', '--tail', '20', name]).catch((error: Error) => error.message);
  return logs
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** Waits for every service's /readyz; on a failure, names the service and shows its last lines. */
async function waitForServices() {
  const failures = await Promise.all(
    SERVICES.map((service) =>
      waitForOk(`${probeUrl(service)}/readyz`, service, 90_000).then(
        () => undefined,
        async (error: Error) => `${error.message}\n${await lastLines(containerName(service))}`,
      ),
    ),
  );
  const failed = failures.filter(Boolean);
  if (failed.length > 0) throw new Error(`not ready:\n${failed.join('\n')}`);
}

/** Runs the images of `tag` (default: this checkout's commit, as `npm run images` tagged them). */
export async function up(tag?: string): Promise<SystemState> {
  tag ??= await imageTag();
  for (const what of [...SERVICES, 'nats'] as const)
    if (!(await podmanOk(['image', 'exists', serviceImage(what, tag)])))
      throw new Error(`image ${serviceImage(what, tag)} is missing: run npm run images first`);
  await down();
  await assertPortsFree([PORTS.nats, PORTS.natsMonitor, PORTS.http, PORTS.ws, ...Object.values(PORTS.probe)]);
  await mkdir(STATE_DIR, { recursive: true, mode: 0o700 });
  try {
    const jwtSecretFile = await makeCredentials();
    await startNatsContainer(NATS, tag);
    const setupEnv = {
      NATS_URL,
      NATS_CREDS: '/etc/idp/nats/setup.creds',
      IDP_CONFIG: '/etc/idp/gateway.yaml',
    };
    await runSetupContainer(containerName('setup'), tag, `${ETC_DIR}/setup`, setupEnv);
    for (const service of SERVICES) await startService(service, tag);
    await waitForServices();
    const state = describe(tag, jwtSecretFile);
    await writeFile(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    return state;
  } catch (error) {
    await down();
    throw error;
  }
}

function describe(tag: string, jwtSecretFile: string): SystemState {
  return {
    tag,
    baseUrl: `http://127.0.0.1:${PORTS.http}`,
    wsUrl: `ws://127.0.0.1:${PORTS.ws}/ws/v1`,
    natsUrl: NATS_URL,
    natsMonitorUrl: `http://127.0.0.1:${PORTS.natsMonitor}`,
    probeUrls: Object.fromEntries(SERVICES.map((s) => [s, probeUrl(s)])) as Record<Service, string>,
    containers: Object.fromEntries(
      [...SERVICES, 'nats' as const].map((s) => [s, containerName(s)]),
    ) as SystemState['containers'],
    jwtSecretFile,
  };
}

/** Removes every container, secret and volume of the system (and its state); fine when none exist. */
export async function down(): Promise<string[]> {
  const list = await podman(['ps', '-a', '--format', '{{.Names}}', '--filter', `label=${LABEL}`]);
  const names = list.split('\n').filter(Boolean);
  // Services first (they drain their NATS connections on SIGTERM), then NATS.
  const services = names.filter((name) => name !== containerName('nats'));
  if (services.length > 0) await podman(['rm', '-f', '-t', '20', ...services], { timeoutMs: 120_000 });
  if (names.length > services.length) await podman(['rm', '-f', '-t', '10', containerName('nats')]);
  const volumes = (await podman(['volume', 'ls', '-q', '--filter', `label=${LABEL}`]))
    .split('\n')
    .filter(Boolean);
  if (volumes.length > 0) await podman(['volume', 'rm', '-f', ...volumes]);
  const secrets = await removeSecrets();
  for (const path of [
    STATE_FILE,
    ETC_DIR,
    NATS_CONF_DIR,
    `${STATE_DIR}/jwt-secret`,
    `${STATE_DIR}/encryption-key`,
  ])
    await rm(path, { recursive: true, force: true });
  return [
    ...names.map((n) => `container ${n}`),
    ...volumes.map((v) => `volume ${v}`),
    ...secrets.map((s) => `secret ${s}`),
  ];
}
