// The scale-out and durability rules of the rendered manifests (docs/operations.md): at least two of
// every service, spread over nodes, each with a disruption budget; three NATS nodes that never share a
// node and lose at most one to a drain; every stream and bucket kept on three of them; every write on
// disk before it is acknowledged; and clients that know every node.
import { beforeAll, describe, expect, it } from 'vitest';
import { NATS_CERT_NAMES } from '../src/certificates.js';
import { block, routes, settings } from '../src/nats-conf.js';
import { selects } from '../src/network-policy.js';
import { find, type K8sObject, literalEnv, ofKind, workloads } from '../src/objects.js';
import { type Rendered, render } from '../src/render.js';
import {
  budgetsFor,
  certificateCovers,
  imageVersion,
  nodeSpread,
  podUrls,
  serverUrls,
} from '../src/scale-out.js';
import { SERVICES } from '../src/secret-files.js';

let rendered: Rendered;
let natsConf: string;
let nats: K8sObject;
beforeAll(async () => {
  rendered = await render();
  natsConf = ofKind(rendered.objects, 'ConfigMap').find((c) => c.data?.['nats.conf'])!.data['nats.conf'];
  nats = find(rendered.objects, 'StatefulSet', 'nats');
});

const natsContainer = () => nats.spec.template.spec.containers[0];
const portOf = (name: string): number =>
  natsContainer().ports.find((p: { name: string }) => p.name === name).containerPort;

/** The fewest pods a workload runs: its HorizontalPodAutoscaler's minimum, or its replicas. */
function fewestPods(workload: K8sObject): number {
  const hpa = ofKind(rendered.objects, 'HorizontalPodAutoscaler').find(
    (h) =>
      h.spec.scaleTargetRef.kind === workload.kind && h.spec.scaleTargetRef.name === workload.metadata.name,
  );
  return Math.min(workload.spec.replicas ?? 1, hpa?.spec.minReplicas ?? Number.POSITIVE_INFINITY);
}

describe('services', () => {
  it('run at least two replicas each, and are never autoscaled below two', () => {
    const deployments = ofKind(rendered.objects, 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES].sort());
    for (const deployment of deployments) {
      expect(deployment.spec.replicas, deployment.metadata.name).toBeGreaterThanOrEqual(2);
      expect(fewestPods(deployment), deployment.metadata.name).toBeGreaterThanOrEqual(2);
    }
  });

  it('spread their replicas over nodes', () => {
    for (const { kind, name, labels, pod } of workloads(rendered.objects)) {
      if (kind === 'Deployment') expect(nodeSpread(pod, labels), name).not.toBe('none');
    }
  });
});

describe('disruption budgets', () => {
  it('cover every long-running workload once, and still let a node drain', () => {
    for (const workload of [...ofKind(rendered.objects, 'Deployment'), nats]) {
      const name = `${workload.kind}/${workload.metadata.name}`;
      // The eviction API refuses to evict a pod that more than one budget covers.
      const budgets = budgetsFor(rendered.objects, workload.spec.template.metadata.labels);
      expect(
        budgets.map((b) => b.metadata.name),
        name,
      ).toHaveLength(1);
      const { minAvailable, maxUnavailable } = budgets[0]!.spec;
      if (minAvailable !== undefined) expect(minAvailable, name).toBeLessThan(fewestPods(workload));
      else expect(maxUnavailable, name).toBeGreaterThanOrEqual(1);
    }
  });

  it('let NATS lose at most one node at a time, whatever its size', () => {
    const budget = find(rendered.objects, 'PodDisruptionBudget', 'nats').spec;
    expect(budget).toMatchObject({ maxUnavailable: 1 });
    expect(budget.minAvailable).toBeUndefined();
  });
});

describe('the NATS cluster', () => {
  it('runs three nodes, never two on one Kubernetes node', () => {
    expect(nats.spec.replicas).toBe(3);
    expect(nodeSpread(nats.spec.template.spec, nats.spec.template.metadata.labels)).toBe('required');
  });

  it('routes every node to the three pods', () => {
    const env = literalEnv(natsContainer());
    const targets = routes(natsConf).map((entry) => {
      const variable = /^\$([A-Z0-9_]+)$/.exec(entry)?.[1];
      const url = variable ? env[variable] : entry;
      return /@([^:@"]+):(\d+)"?$/.exec(url ?? '')?.slice(1);
    });
    const pods = podUrls(nats, portOf('cluster')).map((url) => url.replace(/^nats:\/\//, '').split(':'));
    expect(targets).toEqual(pods);
    expect(targets).toHaveLength(3);
  });

  it('acknowledges a JetStream write only after it is on disk', () => {
    expect(settings(block(natsConf, 'jetstream')).sync_interval).toBe('always');
  });

  it('runs a nats-server that knows sync_interval (2.10 or later)', () => {
    const version = imageVersion(natsContainer().image);
    expect(version, natsContainer().image).toBeDefined();
    const [major, minor] = version!;
    expect(major * 1000 + minor, natsContainer().image).toBeGreaterThanOrEqual(2 * 1000 + 10);
  });

  it('has the setup Job keep every stream and bucket on three nodes', () => {
    const job = find(rendered.objects, 'Job', 'nats-setup');
    const replicas = literalEnv(job.spec.template.spec.containers[0]).IDP_STREAM_REPLICAS;
    expect(replicas).toBe('3');
    expect(Number(replicas)).toBeLessThanOrEqual(nats.spec.replicas);
  });
});

describe('NATS clients', () => {
  it('name every node of the cluster in NATS_URL', () => {
    // no_advertise: the servers never tell clients about the other nodes, so NATS_URL is all they know.
    expect(settings(block(natsConf, 'cluster')).no_advertise).toBe('true');
    const expected = podUrls(nats, portOf('client'));
    const clients = workloads(rendered.objects).filter((w) => w.kind !== 'StatefulSet');
    expect(clients.map((c) => c.name).sort()).toEqual([...SERVICES, 'nats-setup'].sort());
    for (const { name, pod } of clients) {
      const urls = serverUrls(literalEnv(pod.containers[0]!).NATS_URL ?? '');
      expect([...urls].sort(), name).toEqual(expected);
    }
  });

  it('reach the nodes through the headless Service, under a name the certificate covers', () => {
    const headless = find(rendered.objects, 'Service', nats.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.selector).toBeDefined();
    const selector = { matchLabels: headless.spec.selector };
    expect(selects(selector, nats.spec.template.metadata.labels)).toBe(true);
    expect(headless.spec.ports).toContainEqual(expect.objectContaining({ port: portOf('client') }));
    for (const url of podUrls(nats, portOf('client'))) {
      const host = new URL(url).hostname;
      expect(
        NATS_CERT_NAMES.some((name) => certificateCovers(name, host)),
        host,
      ).toBe(true);
    }
  });
});
