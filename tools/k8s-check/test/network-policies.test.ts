// Who may talk to whom, decided from the rendered NetworkPolicies for every pair of pods (and a few
// outsiders): NATS only from its clients, routes only between NATS nodes, the public ports only from
// the Ingress controller, the monitoring port from nobody, and nothing else but DNS.
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { allows, type Connection, type Endpoint, ingressAllows } from '../src/network-policy.js';
import { ofKind, workloads } from '../src/objects.js';
import { type Rendered, render } from '../src/render.js';

const NAMESPACE = 'idp';
const NATS_CLIENTS = ['edge', 'auth', 'ratelimit', 'platform', 'realtime', 'nats-setup'];

let rendered: Rendered;
let policies: INetworkPolicy[];
let pods: Endpoint[];
let everyone: Endpoint[];
beforeAll(async () => {
  rendered = await render();
  policies = ofKind(rendered.objects, 'NetworkPolicy') as INetworkPolicy[];
  pods = workloads(rendered.objects).map((w) => ({
    name: w.name,
    namespace: NAMESPACE,
    namespaceLabels: { 'kubernetes.io/metadata.name': NAMESPACE },
    labels: w.labels,
    ports: w.pod.containers.flatMap((c) => c.ports ?? []),
  }));
  everyone = [...pods, ingressController, stranger, impostor, kubeDns, internet];
});

const namespaced = (namespace: string, labels: Record<string, string>, name: string): Endpoint => ({
  name,
  namespace,
  namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
  labels,
});
const ingressController = namespaced(
  'ingress-nginx',
  { 'app.kubernetes.io/name': 'ingress-nginx' },
  'ingress-nginx',
);
const stranger = namespaced(NAMESPACE, { app: 'debug' }, 'another pod in idp');
const impostor = namespaced('default', { app: 'edge' }, 'a pod labelled app=edge in another namespace');
const kubeDns = namespaced('kube-system', { 'k8s-app': 'kube-dns' }, 'kube-dns');
const internet: Endpoint = { name: 'an address outside the cluster' };

const pod = (name: string) => pods.find((p) => p.name === name)!;

/** The names of every endpoint that may open `port` on `to`. */
function callers(to: Endpoint, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): string[] {
  return everyone
    .filter((from) => from !== to || to.name === 'nats')
    .filter((from) => allows(policies, NAMESPACE, { from, to, port, protocol } satisfies Connection))
    .map((from) => from.name)
    .sort();
}

describe('network policies', () => {
  it('deny all traffic in and out of every pod by default', () => {
    const defaultDeny = policies.filter(
      (p) =>
        Object.keys(p.spec?.podSelector ?? {}).length === 0 &&
        p.spec?.policyTypes?.includes('Ingress') &&
        p.spec?.policyTypes?.includes('Egress') &&
        !p.spec?.ingress?.length &&
        !p.spec?.egress?.length,
    );
    expect(defaultDeny).toHaveLength(1);
  });

  it('open the NATS client port to the five services and the setup Job only', () => {
    expect(callers(pod('nats'), 4222)).toEqual([...NATS_CLIENTS].sort());
  });

  it('hold on the receiving side alone: NATS admits its clients even if egress were open', () => {
    const admitted = everyone
      .filter((from) => ingressAllows(policies, NAMESPACE, { from, to: pod('nats'), port: 4222 }))
      .map((from) => from.name)
      .sort();
    expect(admitted).toEqual([...NATS_CLIENTS].sort());
  });

  it('open the NATS route port between NATS nodes only', () => {
    expect(callers(pod('nats'), 6222)).toEqual(['nats']);
  });

  it('open the NATS monitoring port to nobody', () => {
    expect(callers(pod('nats'), 8222)).toEqual([]);
  });

  it('open the public ports of edge and realtime to the Ingress controller only', () => {
    expect(callers(pod('edge'), 8080)).toEqual(['ingress-nginx']);
    expect(callers(pod('realtime'), 8081)).toEqual(['ingress-nginx']);
  });

  it('open the probe ports (metrics) to no pod', () => {
    for (const name of ['auth', 'ratelimit', 'platform', 'edge', 'realtime'])
      expect(callers(pod(name), 9090), name).toEqual([]);
  });

  it('let every pod resolve names through the cluster DNS, and reach nothing outside', () => {
    for (const from of pods) {
      expect(allows(policies, NAMESPACE, { from, to: kubeDns, port: 53, protocol: 'UDP' }), from.name).toBe(
        true,
      );
      expect(allows(policies, NAMESPACE, { from, to: kubeDns, port: 53, protocol: 'TCP' }), from.name).toBe(
        true,
      );
      for (const port of [80, 443, 4222])
        expect(allows(policies, NAMESPACE, { from, to: internet, port }), `${from.name} → :${port}`).toBe(
          false,
        );
    }
  });

  it('let no service call another directly', () => {
    for (const from of pods.filter((p) => p.name !== 'nats'))
      for (const to of pods.filter((p) => p !== from && p.name !== 'nats'))
        for (const port of (to.ports ?? []).map((p) => p.containerPort))
          expect(allows(policies, NAMESPACE, { from, to, port }), `${from.name} → ${to.name}:${port}`).toBe(
            false,
          );
  });
});
