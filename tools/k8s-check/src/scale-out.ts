// What the scale-out rules ask of a workload, read from rendered objects: how its pods keep apart
// across nodes, which disruption budgets cover it, and which addresses reach every NATS node.
import type { IPodAffinityTerm, IPodSpec } from 'kubernetes-models/v1';
import { selects } from './network-policy.js';
import type { K8sObject } from './objects.js';

export const HOSTNAME_TOPOLOGY = 'kubernetes.io/hostname';

/** How a pod template keeps its replicas on distinct nodes: always, when it can, or not at all. */
export type NodeSpread = 'required' | 'preferred' | 'none';

/** A term repels the pod's own siblings per node: hostname topology, a selector that matches them. */
function repelsSiblings(term: IPodAffinityTerm, labels: Record<string, string>): boolean {
  const selector = term.labelSelector;
  const narrowed = Boolean(
    Object.keys(selector?.matchLabels ?? {}).length || selector?.matchExpressions?.length,
  );
  // Other namespaces would be a different rule; the default (the pod's own) is the one meant here.
  const ownNamespace = !term.namespaces?.length && !term.namespaceSelector;
  return term.topologyKey === HOSTNAME_TOPOLOGY && narrowed && ownNamespace && selects(selector, labels);
}

export function nodeSpread(pod: IPodSpec, labels: Record<string, string>): NodeSpread {
  const anti = pod.affinity?.podAntiAffinity;
  const required = anti?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  if (required.some((term) => repelsSiblings(term, labels))) return 'required';
  const preferred = anti?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  if (preferred.some((p) => p.weight > 0 && repelsSiblings(p.podAffinityTerm, labels))) return 'preferred';
  return 'none';
}

/** The PodDisruptionBudgets whose (non-empty) selector covers pods with these labels. */
export function budgetsFor(objects: K8sObject[], labels: Record<string, string>): K8sObject[] {
  return objects.filter((o) => {
    if (o.kind !== 'PodDisruptionBudget') return false;
    const selector = o.spec?.selector;
    const narrowed = Boolean(
      Object.keys(selector?.matchLabels ?? {}).length || selector?.matchExpressions?.length,
    );
    return narrowed && selects(selector, labels);
  });
}

/** The servers of a NATS_URL: one URL or several separated by commas (libs/nats serverList). */
export const serverUrls = (natsUrl: string): string[] =>
  natsUrl
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);

/** The URL of every pod of a StatefulSet on `port`, by its stable name under its headless Service. */
export function podUrls(statefulSet: K8sObject, port: number): string[] {
  const { serviceName, replicas } = statefulSet.spec;
  const { namespace } = statefulSet.metadata;
  if (!namespace) throw new Error(`StatefulSet ${statefulSet.metadata.name} has no namespace`);
  return Array.from(
    { length: replicas },
    (_, i) => `nats://${statefulSet.metadata.name}-${i}.${serviceName}.${namespace}.svc:${port}`,
  );
}

/** Whether a certificate name (`*.` wildcards one leftmost label, as TLS does) covers a host. */
export function certificateCovers(name: string, host: string): boolean {
  if (!name.startsWith('*.')) return name === host;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === name.slice(2);
}

/** The major and minor version of an image tag such as `nats:2.12-alpine`, or undefined. */
export function imageVersion(image: string): [number, number] | undefined {
  const match = /:(\d+)\.(\d+)/.exec(image);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}
