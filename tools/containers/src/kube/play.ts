// Plays k8s/overlays/local with `podman kube play --network host`, on top of what kube play cannot run:
// a NATS container (TLS, operator mode) and the setup step (the Job nats-setup). `stop` removes all of
// it, including the secrets and volumes `kube play --down` leaves behind.
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeServiceTrees, writeTree } from '../etc-trees.js';
import { runSetupContainer, startNatsContainer } from '../nats-container.js';
import { SERVICES, serviceImage } from '../paths.js';
import { podman } from '../podman.js';
import { assertPortsFree } from '../wait.js';
import {
  AUTH_ENV_CONFIGMAP,
  HOST_ETC,
  KUBE_DIR,
  KUBE_NATS,
  KUBE_NATS_VOLUME,
  KUBE_PORTS,
  PLAY_TAG,
} from './layout.js';
import { type Rendered, renderLocalOverlay } from './render.js';

export interface PlayedOverlay {
  rendered: Rendered;
  /** Pods kube play made. */
  pods: string[];
  stop(): Promise<void>;
}

const lines = (text: string) => text.split('\n').filter(Boolean);
const NATS_CONF = join(KUBE_DIR, 'nats-conf');

/** NATS with TLS and operator mode from the rendered secrets, then the setup step as the Job runs it. */
async function startNatsAndSetup(rendered: Rendered, tag: string) {
  await writeTree(NATS_CONF, {
    'nats-server.conf': (path) => copyFile(rendered.nats.configFile, path),
    'tls.crt': (path) => copyFile(rendered.certs.certFile, path),
    'tls.key': (path) => copyFile(rendered.certs.keyFile, path),
  });
  const nats = { name: KUBE_NATS, volume: KUBE_NATS_VOLUME, configDir: NATS_CONF };
  await startNatsContainer({ ...nats, port: KUBE_PORTS.nats, monitorPort: KUBE_PORTS.natsMonitor }, tag);
  // The Job's environment, with one replica per stream (one NATS server here).
  const env = {
    NATS_URL: `nats://127.0.0.1:${KUBE_PORTS.nats}`,
    NATS_CREDS: '/etc/idp/nats/setup.creds',
    NATS_TLS_CA: '/etc/idp/nats/ca.crt',
    IDP_CONFIG: '/etc/idp/gateway.yaml',
    IDP_STREAM_REPLICAS: '1',
  };
  await runSetupContainer('idp-kube-setup', tag, join(HOST_ETC, 'setup'), env);
}

/** The ConfigMap standing in for auth's Secret env: written outside the repository, deleted after. */
function authEnvConfigMap(authEnv: Rendered['authEnv']): string {
  const data = Object.entries(authEnv).map(([key, value]) => `  ${key}: "${value}"`);
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    `metadata: { name: ${AUTH_ENV_CONFIGMAP} }`,
    'data:',
    ...data,
    '',
  ].join('\n');
}

export async function playLocalOverlay(tag: string): Promise<PlayedOverlay> {
  await assertPortsFree([
    KUBE_PORTS.nats,
    KUBE_PORTS.natsMonitor,
    KUBE_PORTS.http,
    KUBE_PORTS.ws,
    ...Object.values(KUBE_PORTS.probe),
  ]);
  const before = { secrets: await listSecrets(), volumes: await listVolumes() };
  await mkdir(KUBE_DIR, { recursive: true, mode: 0o700 });
  const rendered = await renderLocalOverlay(join(KUBE_DIR, 'render'));
  const playFile = join(KUBE_DIR, 'play.yaml');
  const configMapFile = join(KUBE_DIR, 'auth-env.yaml');
  const stop = () => teardown(playFile, before, rendered);
  try {
    for (const service of SERVICES)
      await podman(['tag', serviceImage(service, tag), serviceImage(service, PLAY_TAG)]);
    await writeServiceTrees(HOST_ETC, rendered.nats, rendered.certs.ca);
    await startNatsAndSetup(rendered, tag);
    await writeFile(playFile, rendered.yaml, { mode: 0o600 });
    await writeFile(configMapFile, authEnvConfigMap(rendered.authEnv), { mode: 0o600 });
    const out = await podman(['kube', 'play', '--network', 'host', '--configmap', configMapFile, playFile], {
      timeoutMs: 180_000,
    });
    const pods = [...out.matchAll(/^Pod:\n([0-9a-f]{64})/gm)].map((match) => match[1]!);
    return { rendered, pods, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const listSecrets = async () => lines(await podman(['secret', 'ls', '--format', '{{.Name}}']));
const listVolumes = async () => lines(await podman(['volume', 'ls', '--format', '{{.Name}}']));

async function teardown(
  playFile: string,
  before: { secrets: string[]; volumes: string[] },
  rendered: Rendered,
) {
  await podman(['kube', 'play', '--down', playFile], { timeoutMs: 120_000 }).catch((error: Error) =>
    process.stderr.write(`kube play --down: ${error.message}\n`),
  );
  await podman(['rm', '-f', '-t', '10', KUBE_NATS]).catch(() => {});
  await podman(['rm', '-f', 'idp-kube-setup']).catch(() => {});
  // What kube play --down leaves: the Secrets it made into podman secrets, and volumes.
  const newSecrets = (await listSecrets()).filter((name) => !before.secrets.includes(name));
  if (newSecrets.length > 0) await podman(['secret', 'rm', ...newSecrets]);
  const newVolumes = (await listVolumes()).filter((name) => !before.volumes.includes(name));
  if (newVolumes.length > 0) await podman(['volume', 'rm', '-f', ...newVolumes]);
  for (const service of SERVICES)
    await podman(['untag', serviceImage(service, PLAY_TAG), serviceImage(service, PLAY_TAG)]).catch(() => {});
  await rm(HOST_ETC, { recursive: true, force: true });
  await rendered.certs.cleanup();
  await rm(KUBE_DIR, { recursive: true, force: true });
}
