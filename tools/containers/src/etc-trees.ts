// The /etc/idp tree of each service container, as a host directory mounted read-only: the same files the
// projected volume of k8s/ gives a pod (gateway.yaml, its own .creds, the NATS CA when NATS has TLS,
// auth's publisher seed), owned by root and readable by group 1000 only (the pods' fsGroup, mode 0440).
// Podman 4.3 cannot mount single secret files into a read-only root filesystem, nor play projected volumes.
import { chmod, chown, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { NatsSetup } from '@idp/nats-auth';
import { ROOT, SERVICES, type Service } from './paths.js';

type Writer = (path: string) => Promise<void>;

/** Writes one file, owned by root and group 1000, mode 0440 (the projected volume's defaultMode). */
async function place(file: string, write: Writer) {
  await mkdir(dirname(file), { recursive: true, mode: 0o750 });
  await write(file);
  await chown(file, 0, 1000);
  await chmod(file, 0o440);
}

/** The files of one tree, by path inside it. */
export type TreeFiles = Record<string, Writer>;

export function serviceFiles(service: Service | 'setup', nats: NatsSetup, caPem?: string): TreeFiles {
  const files: TreeFiles = {
    // The gateway-config ConfigMap's source (k8s/gateway.yaml, a copy of config/gateway.yaml).
    'gateway.yaml': (path) => copyFile(join(ROOT, 'k8s/gateway.yaml'), path),
    [`nats/${service}.creds`]: (path) => copyFile(nats.credsFile(service), path),
  };
  if (caPem) files['nats/ca.crt'] = (path) => writeFile(path, caPem);
  if (service === 'auth') files['nats-publisher/seed'] = (path) => copyFile(nats.publisherSignerFile, path);
  return files;
}

/** Writes `files` under `dir`; the directories too belong to root and group 1000, closed to others. */
export async function writeTree(dir: string, files: TreeFiles): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [name, write] of Object.entries(files)) await place(join(dir, name), write);
  const dirs = new Set(Object.keys(files).map((name) => dirname(join(dir, name))));
  for (const sub of [dir, ...dirs]) await chown(sub, 0, 1000);
}

/** One tree per service (and the setup step) under `base`: `<base>/<service>`. */
export async function writeServiceTrees(base: string, nats: NatsSetup, caPem?: string): Promise<void> {
  await rm(base, { recursive: true, force: true });
  await mkdir(base, { recursive: true, mode: 0o755 });
  for (const who of [...SERVICES, 'setup'] as const)
    await writeTree(join(base, who), serviceFiles(who, nats, caPem));
}
