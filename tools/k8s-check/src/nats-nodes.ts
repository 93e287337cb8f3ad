// Runs the rendered NATS StatefulSet as three local nats-server processes: each node gets the files
// its projected volume would hold and the environment Kubernetes would give it ($(VAR) expansion,
// fieldRef, secretKeyRef), with only addresses changed (pod hostnames → localhost, fixed ports →
// free ones, absolute paths → a temporary folder, and the keys the local nats-server does not know left
// out: local-server-keys.ts). If the cluster forms, the config, the route credentials and the
// certificates work together as shipped.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import { UNKNOWN_TO_LOCAL_SERVER, withoutKeys } from './local-server-keys.js';
import { find, type K8sObject } from './objects.js';

export interface NatsNode {
  name: string;
  clientPort: number;
  monitorPort: number;
  clusterPort: number;
  process: ChildProcess;
  /** What the process printed, for failure messages. */
  output(): string;
}

export function natsServerBinary(): string {
  const candidates = [process.env.NATS_SERVER_BIN];
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(join(dir, 'nats-server'));
  candidates.push('/usr/sbin/nats-server', '/usr/bin/nats-server');
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new Error('nats-server not found: install it (apt-get install -y nats-server)');
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const decode = (value: string) => Buffer.from(value.replace(/\s/g, ''), 'base64');

function dataOf(objects: K8sObject[], kind: 'Secret' | 'ConfigMap', name: string, key: string): Buffer {
  const object = find(objects, kind, name);
  const value = object.data?.[key];
  if (value === undefined) throw new Error(`${kind} ${name} has no key ${key}`);
  return kind === 'Secret' ? decode(value) : Buffer.from(value);
}

/** The files of the container's projected volumes, written under `root`. */
function writeVolumes(objects: K8sObject[], pod: IPodSpec, container: IContainer, root: string): void {
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    for (const source of volume?.projected?.sources ?? []) {
      const ref = source.secret ?? source.configMap;
      const kind = source.secret ? 'Secret' : 'ConfigMap';
      for (const item of ref?.items ?? []) {
        const file = join(root, mount.mountPath, item.path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, dataOf(objects, kind, ref!.name!, item.key), { mode: 0o600 });
      }
    }
  }
}

/** The container's environment as the kubelet builds it: in order, `$(NAME)` expanded from earlier entries. */
export function containerEnv(
  objects: K8sObject[],
  container: IContainer,
  podName: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    const from = entry.valueFrom;
    if (from?.fieldRef) {
      if (from.fieldRef.fieldPath !== 'metadata.name') throw new Error(`fieldRef ${from.fieldRef.fieldPath}`);
      env[entry.name] = podName;
    } else if (from?.secretKeyRef) {
      env[entry.name] = dataOf(objects, 'Secret', from.secretKeyRef.name!, from.secretKeyRef.key).toString(
        'utf8',
      );
    } else {
      env[entry.name] = (entry.value ?? '').replace(
        /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
        (whole, name: string) => (name in env ? env[name]! : whole),
      );
    }
  }
  return env;
}

/** Replaces `from` in `text`, and fails if it is not there: a config that changed shape must be noticed. */
function swap(text: string, from: string | RegExp, to: string): string {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`nats.conf no longer contains ${from}`);
  return next;
}

interface Ports {
  client: number;
  monitor: number;
  cluster: number;
}

/** The node's nats.conf with its addresses and paths moved to `ports` and `dir`. */
function localConfig(config: string, dir: string, ports: Ports): string {
  let local = config.replaceAll('/etc/nats/', `${dir}/etc/nats/`);
  local = swap(local, 'store_dir: /data', `store_dir: ${dir}/data`);
  local = swap(local, 'pid_file: /var/run/nats/', `pid_file: ${dir}/`);
  local = swap(local, 'listen: 0.0.0.0:4222', `listen: 127.0.0.1:${ports.client}`);
  local = swap(local, 'http: 127.0.0.1:8222', `http: 127.0.0.1:${ports.monitor}`);
  return swap(local, 'listen: 0.0.0.0:6222', `listen: 127.0.0.1:${ports.cluster}`);
}

interface NodeSetup {
  objects: K8sObject[];
  pod: IPodSpec;
  name: string;
  dir: string;
  ports: Ports[];
  index: number;
  /** Keys taken out of nats.conf before the local server reads it. */
  leaveOut: readonly string[];
}

/** Writes a node's files under its folder; returns the arguments and environment it starts with. */
function prepareNode(setup: NodeSetup): { args: string[]; env: Record<string, string> } {
  const { objects, pod, name, dir, ports, index } = setup;
  const container = pod.containers[0]!;
  writeVolumes(objects, pod, container, dir);
  const configFile = join(dir, '/etc/nats/nats.conf');
  const config = localConfig(readFileSync(configFile, 'utf8'), dir, ports[index]!);
  writeFileSync(configFile, withoutKeys(config, setup.leaveOut));
  const env = containerEnv(objects, container, name);
  // The route URLs name the other pods; here they are the other processes.
  for (const [key, value] of Object.entries(env))
    env[key] = value.replace(
      /@nats-(\d+)\.nats-headless\.idp\.svc:6222/,
      (_, n: string) => `@localhost:${ports[Number(n)]!.cluster}`,
    );
  const args = container
    .command!.slice(1)
    .map((arg) => (arg.startsWith('/etc/nats/') ? join(dir, arg) : arg));
  return { args, env: { PATH: process.env.PATH ?? '', ...env } };
}

function startNode(setup: NodeSetup): NatsNode {
  const { args, env } = prepareNode(setup);
  let output = '';
  const child = spawn(natsServerBinary(), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A crashed test run must not leave servers behind.
  process.once('exit', () => child.kill('SIGKILL'));
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const { client, monitor, cluster } = setup.ports[setup.index]!;
  return {
    name: setup.name,
    clientPort: client,
    monitorPort: monitor,
    clusterPort: cluster,
    process: child,
    output: () => output,
  };
}

function stopNode(node: NatsNode): Promise<void> {
  return new Promise<void>((resolve) => {
    if (node.process.exitCode !== null || node.process.signalCode !== null) return resolve();
    const timer = setTimeout(() => node.process.kill('SIGKILL'), 5_000);
    node.process.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    node.process.kill('SIGTERM');
  });
}

async function nodePorts(replicas: number): Promise<Ports[]> {
  const ports: Ports[] = [];
  for (let i = 0; i < replicas; i++)
    ports.push({ client: await freePort(), monitor: await freePort(), cluster: await freePort() });
  return ports;
}

/** The setup of every node of the rendered StatefulSet, each in its own folder under `root`. */
async function clusterSetups(
  objects: K8sObject[],
  root: string,
  leaveOut: readonly string[],
): Promise<NodeSetup[]> {
  const statefulSet = find(objects, 'StatefulSet', 'nats');
  const ports = await nodePorts(statefulSet.spec.replicas);
  return ports.map((_, index) => {
    const name = `${statefulSet.metadata.name}-${index}`;
    const pod = statefulSet.spec.template.spec;
    return { objects, pod, name, dir: join(root, name), ports, index, leaveOut };
  });
}

/**
 * Asks the local nats-server whether it accepts the first node's config (`-t`: check and exit), with
 * `leaveOut` taken out of it. Its output names every field it does not know.
 */
export async function checkNodeConfig(
  objects: K8sObject[],
  leaveOut: readonly string[],
): Promise<{ status: number | null; output: string }> {
  const root = mkdtempSync(join(tmpdir(), 'idp-k8s-nats-check-'));
  try {
    const [first] = await clusterSetups(objects, root, leaveOut);
    const { args, env } = prepareNode(first!);
    const result = spawnSync(natsServerBinary(), ['-t', ...args], {
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (result.error) throw result.error;
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Starts every node of the rendered StatefulSet, without the keys the local server does not know. */
export async function startNatsCluster(
  objects: K8sObject[],
): Promise<{ nodes: NatsNode[]; stop(): Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'idp-k8s-nats-'));
  const nodes = (await clusterSetups(objects, root, UNKNOWN_TO_LOCAL_SERVER)).map(startNode);
  const stop = async () => {
    await Promise.all(nodes.map(stopNode));
    rmSync(root, { recursive: true, force: true });
  };
  return { nodes, stop };
}
