// NATS as a container (operator mode, JetStream store on a podman volume) and the setup step that
// creates every stream and bucket, as the Kubernetes Job does: shared by containers:up and kube play.
import { LABEL } from './layout.js';
import { serviceImage } from './paths.js';
import { podman } from './podman.js';
import { waitForOk } from './wait.js';

/** The production user, a read-only root (podman mounts tmpfs on /tmp and /run), nothing extra allowed. */
export const HARDENED = [
  ...['--network', 'host', '--read-only', '--user', '1000:1000', '--label', LABEL],
  ...['--cap-drop', 'all', '--security-opt', 'no-new-privileges', '--stop-timeout', '30'],
];

export const envArgs = (env: Record<string, string>) =>
  Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);

export interface NatsContainer {
  name: string;
  volume: string;
  port: number;
  monitorPort: number;
  /** A host directory with nats-server.conf (and the certificate and key it names), mounted at /etc/nats. */
  configDir: string;
}

export async function startNatsContainer(nats: NatsContainer, tag: string): Promise<void> {
  await podman(['volume', 'create', '--label', LABEL, nats.volume]);
  const args = ['run', '-d', '--name', nats.name, ...HARDENED, '-v', `${nats.configDir}:/etc/nats:ro`];
  // :U gives the volume to the container's user, who keeps the JetStream store there.
  args.push('-v', `${nats.volume}:/data:U`, serviceImage('nats', tag));
  args.push('-c', '/etc/nats/nats-server.conf', '-a', '127.0.0.1', '-p', String(nats.port));
  args.push('-m', String(nats.monitorPort), '-sd', '/data');
  await podman(args);
  try {
    await waitForOk(`http://127.0.0.1:${nats.monitorPort}/healthz`, `NATS (${nats.name})`, 30_000);
  } catch (error) {
    const logs = await podman(['logs', '--tail', '15', nats.name]).catch((e: Error) => e.message);
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
}

/** The setup step, as the Kubernetes Job runs it: every stream and bucket, as the `setup` user. */
export async function runSetupContainer(
  name: string,
  tag: string,
  etcDir: string,
  env: Record<string, string>,
) {
  const args = ['run', '--rm', '--name', name, ...HARDENED, '-v', `${etcDir}:/etc/idp:ro`];
  args.push(...envArgs(env), serviceImage('edge', tag), 'node', 'tools/setup/dist/main.js');
  await podman(args, { timeoutMs: 90_000 });
}
