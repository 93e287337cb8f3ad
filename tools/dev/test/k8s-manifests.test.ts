// The Kubernetes manifests stay in step with the code: every service has one, with probes on a port
// the service really serves, and every document parses.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = new URL('../../../', import.meta.url).pathname;
const services = readdirSync(`${root}services`);
// biome-ignore lint/suspicious/noExplicitAny: manifests are walked as plain JSON
const documents = (file: string): any[] =>
  parseAllDocuments(readFileSync(`${root}k8s/${file}`, 'utf8')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJSON();
  });

describe('k8s manifests', () => {
  it('list every manifest file in the kustomization', () => {
    const [kustomization] = documents('kustomization.yaml');
    const files = readdirSync(`${root}k8s`).filter((f) => f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(services)('deploy %s with probes, autoscaling and a disruption budget', (service) => {
    const docs = documents(`${service}.yaml`);
    const kinds = docs.map((d) => d.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']),
    );
    const container = docs.find((d) => d.kind === 'Deployment').spec.template.spec.containers[0];
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value?: string }) => [e.name, e.value]),
    );
    expect(env.SERVICE).toBe(service);
    const probePort = String(container.ports[0].containerPort);
    const servedOn = env.IDP_HTTP_PORT ?? env.IDP_WS_PORT ?? env.IDP_HEALTH_PORT;
    expect(servedOn).toBe(probePort);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
  });
});
