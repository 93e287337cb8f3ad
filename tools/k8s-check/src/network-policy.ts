// Decides whether the NetworkPolicies of one namespace let a connection through, by the rules of the
// Kubernetes API: a pod selected by any policy of a direction is isolated in that direction, and then
// only what some rule of those policies allows gets through, in both directions. IP blocks are taken
// to match every address outside the cluster, so the answer errs towards "allowed".
import type {
  INetworkPolicy,
  INetworkPolicyPeer,
  INetworkPolicyPort,
} from 'kubernetes-models/networking.k8s.io/v1';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Endpoint {
  /** How the tests name it in failure messages. */
  name: string;
  /** Absent for an address outside the cluster. */
  namespace?: string;
  namespaceLabels?: Record<string, string>;
  labels?: Record<string, string>;
  /** Container ports, to resolve named ports in policies. */
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    const ok =
      operator === 'In'
        ? has && values.includes(labels[key]!)
        : operator === 'NotIn'
          ? !has || !values.includes(labels[key]!)
          : operator === 'Exists'
            ? has
            : operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

function peerMatches(peer: INetworkPolicyPeer, other: Endpoint, namespace: string): boolean {
  if (peer.ipBlock) return other.namespace === undefined;
  if (other.namespace === undefined) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, other.namespaceLabels)
    : other.namespace === namespace;
  return namespaceOk && selects(peer.podSelector, other.labels);
}

function portMatches(rule: INetworkPolicyPort, connection: Connection, target: Endpoint): boolean {
  if ((rule.protocol ?? 'TCP') !== (connection.protocol ?? 'TCP')) return false;
  if (rule.port === undefined) return true;
  if (typeof rule.port === 'number')
    return connection.port >= rule.port && connection.port <= (rule.endPort ?? rule.port);
  return (target.ports ?? []).some((p) => p.name === rule.port && p.containerPort === connection.port);
}

const types = (policy: INetworkPolicy) =>
  policy.spec?.policyTypes ?? ['Ingress', ...(policy.spec?.egress ? ['Egress'] : [])];

function directionAllows(
  policies: INetworkPolicy[],
  namespace: string,
  connection: Connection,
  direction: 'Ingress' | 'Egress',
): boolean {
  const subject = direction === 'Ingress' ? connection.to : connection.from;
  const peer = direction === 'Ingress' ? connection.from : connection.to;
  // Pods of other namespaces, and addresses outside the cluster, are not governed by these policies.
  if (subject.namespace !== namespace) return true;
  const selecting = policies.filter(
    (p) => types(p).includes(direction) && selects(p.spec?.podSelector, subject.labels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((policy) => {
    const rules = (direction === 'Ingress' ? policy.spec?.ingress : policy.spec?.egress) ?? [];
    return rules.some((rule) => {
      const peers = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
      const peerOk = !peers?.length || peers.some((p) => peerMatches(p, peer, namespace));
      const portOk = !rule.ports?.length || rule.ports.some((p) => portMatches(p, connection, connection.to));
      return peerOk && portOk;
    });
  });
}

/** Whether the receiving side's policies admit the connection, whatever the caller's say. */
export const ingressAllows = (policies: INetworkPolicy[], namespace: string, connection: Connection) =>
  directionAllows(policies, namespace, connection, 'Ingress');

export function allows(policies: INetworkPolicy[], namespace: string, connection: Connection): boolean {
  return (
    directionAllows(policies, namespace, connection, 'Egress') &&
    directionAllows(policies, namespace, connection, 'Ingress')
  );
}
