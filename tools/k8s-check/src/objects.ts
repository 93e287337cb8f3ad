// Plain accessors over rendered objects: the pod templates, what each pod mounts and which Secrets
// it can read. Tests ask these instead of walking YAML by hand.
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: the rest of an object is read through typed helpers
  [field: string]: any;
}

export interface Workload {
  kind: string;
  name: string;
  labels: Record<string, string>;
  pod: IPodSpec;
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'CronJob', 'Pod'];

export const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered output`);
  return found;
}

/** Every pod template, whatever object holds it. */
export function workloads(objects: K8sObject[]): Workload[] {
  return objects
    .filter((o) => WORKLOAD_KINDS.includes(o.kind))
    .map((o) => {
      const template =
        o.kind === 'Pod' ? o : o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template;
      return {
        kind: o.kind,
        name: o.metadata.name,
        labels: template.metadata?.labels ?? {},
        pod: template.spec,
      };
    });
}

export const containersOf = (pod: IPodSpec): IContainer[] => [
  ...(pod.initContainers ?? []),
  ...pod.containers,
];

/**
 * The name a generated object had in the kustomization: kustomize appends `-<hash>` to generated
 * ConfigMaps and Secrets and rewrites every reference to match.
 */
export function generatedName(objects: K8sObject[], kind: 'Secret' | 'ConfigMap', name: string): string {
  const generated = objects.some((o) => o.kind === kind && o.metadata.name === name);
  return generated ? name.replace(/-[a-z0-9]{10}$/, '') : name;
}

export interface SecretRef {
  secret: string;
  /** A key, or `*` for a whole Secret (envFrom, a volume without items). */
  key: string;
}

/** Every Secret key a pod can read, through env or volumes, by generator name. */
export function secretRefs(objects: K8sObject[], pod: IPodSpec): SecretRef[] {
  const refs: SecretRef[] = [];
  const add = (name: string, key: string) =>
    refs.push({ secret: generatedName(objects, 'Secret', name), key });
  for (const container of containersOf(pod)) {
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref?.name) add(ref.name, ref.key);
    }
    for (const from of container.envFrom ?? []) if (from.secretRef?.name) add(from.secretRef.name, '*');
  }
  for (const volume of pod.volumes ?? []) {
    const sources = [
      ...(volume.secret ? [{ name: volume.secret.secretName, items: volume.secret.items }] : []),
      ...(volume.projected?.sources ?? []).flatMap((s) => (s.secret ? [s.secret] : [])),
    ];
    for (const source of sources) {
      if (!source.name) continue;
      if (!source.items?.length) add(source.name, '*');
      for (const item of source.items ?? []) add(source.name, item.key);
    }
  }
  return refs;
}

export interface MountedFile {
  from: 'Secret' | 'ConfigMap';
  name: string;
  key: string;
}

/** The files a container sees from Secrets and ConfigMaps, by absolute path (items only). */
export function mountedFiles(
  objects: K8sObject[],
  pod: IPodSpec,
  container: IContainer,
): Map<string, MountedFile> {
  const files = new Map<string, MountedFile>();
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.volumes ?? []).find((v) => v.name === mount.name);
    if (!volume) continue;
    const sources: {
      from: 'Secret' | 'ConfigMap';
      name?: string;
      items?: { key: string; path: string }[];
    }[] = [
      ...(volume.secret
        ? [{ from: 'Secret' as const, name: volume.secret.secretName, items: volume.secret.items }]
        : []),
      ...(volume.configMap ? [{ from: 'ConfigMap' as const, ...volume.configMap }] : []),
      ...(volume.projected?.sources ?? []).flatMap((s) => [
        ...(s.secret ? [{ from: 'Secret' as const, ...s.secret }] : []),
        ...(s.configMap ? [{ from: 'ConfigMap' as const, ...s.configMap }] : []),
      ]),
    ];
    for (const source of sources) {
      for (const item of source.items ?? []) {
        const path = mount.subPath ? mount.mountPath : `${mount.mountPath}/${item.path}`;
        if (mount.subPath && mount.subPath !== item.path) continue;
        files.set(path, {
          from: source.from,
          name: generatedName(objects, source.from, source.name ?? ''),
          key: item.key,
        });
      }
    }
  }
  return files;
}

/** A container's literal environment (valueFrom entries are left out). */
export const literalEnv = (container: IContainer): Record<string, string> =>
  Object.fromEntries(
    (container.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])),
  );
