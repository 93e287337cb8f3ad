// `kubectl kustomize k8s` renders with the secret files in place, every object it renders is valid
// for its Kubernetes schema, and without a secret file it stops with an error naming that file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, type K8sObject, ofKind, workloads } from '../src/objects.js';
import { k8sDir, type Rendered, render, renderCopy, repoRoot } from '../src/render.js';
import { schemaErrors } from '../src/schema.js';
import { makeSecrets, SERVICES } from '../src/secret-files.js';

let rendered: Rendered;
beforeAll(async () => {
  rendered = await render();
});

/** The files the kustomization's secretGenerator reads. */
function generatorFiles(): string[] {
  const kustomization = parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8'));
  return kustomization.secretGenerator.flatMap((generator: { envs?: string[]; files?: string[] }) => [
    ...(generator.envs ?? []),
    ...(generator.files ?? []).map((file) => file.split('=').pop()!),
  ]);
}

describe('kubectl kustomize k8s', () => {
  it('renders every object valid for its Kubernetes schema', async () => {
    expect(rendered.objects.length).toBeGreaterThan(30);
    const errors = (await Promise.all(rendered.objects.map(schemaErrors))).flat();
    expect(errors).toEqual([]);
  });

  it('lists every manifest file of k8s/ as a resource', () => {
    const kustomization = parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8'));
    // gateway.yaml is the configuration copy, read by the configMapGenerator.
    const manifests = readdirSync(k8sDir).filter(
      (f) => f.endsWith('.yaml') && !['kustomization.yaml', 'gateway.yaml'].includes(f),
    );
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
  });

  it('puts every namespaced object in the idp namespace', () => {
    const cluster = ['Namespace'];
    const misplaced = rendered.objects
      .filter((o) => !cluster.includes(o.kind) && o.metadata.namespace !== 'idp')
      .map((o: K8sObject) => `${o.kind}/${o.metadata.name}`);
    expect(misplaced).toEqual([]);
  });

  it('deploys every service, with autoscaling and a disruption budget', () => {
    expect(readdirSync(join(repoRoot, 'services')).sort()).toEqual([...SERVICES].sort());
    for (const service of SERVICES) {
      const deployment = find(rendered.objects, 'Deployment', service);
      const container = deployment.spec.template.spec.containers[0];
      expect(container.env).toContainEqual({ name: 'SERVICE', value: service });
      expect(find(rendered.objects, 'HorizontalPodAutoscaler', service).spec.scaleTargetRef.name).toBe(
        service,
      );
      expect(find(rendered.objects, 'PodDisruptionBudget', service).spec.selector.matchLabels).toEqual({
        app: service,
      });
    }
  });

  it('probes each service on the port it serves', () => {
    for (const { name, pod } of workloads(rendered.objects).filter((w) => w.kind === 'Deployment')) {
      const [container] = pod.containers;
      const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
      const served = env.IDP_HTTP_PORT ?? env.IDP_WS_PORT ?? env.IDP_HEALTH_PORT;
      const port = container?.ports?.find((p) => p.name === container.readinessProbe?.httpGet?.port);
      expect(String(port?.containerPort), name).toBe(served);
      expect(container?.readinessProbe?.httpGet?.path, name).toBe('/readyz');
      expect(container?.livenessProbe?.httpGet?.path, name).toBe('/healthz');
      expect(container?.resources?.requests, name).toBeDefined();
      expect(container?.resources?.limits?.memory, name).toBeDefined();
    }
  });

  it('runs a 3-node NATS cluster with a disruption budget that keeps the quorum', () => {
    expect(find(rendered.objects, 'StatefulSet', 'nats').spec.replicas).toBe(3);
    expect(find(rendered.objects, 'PodDisruptionBudget', 'nats').spec.maxUnavailable).toBe(1);
  });

  it('creates the streams and buckets with the setup Job', () => {
    const [job] = ofKind(rendered.objects, 'Job');
    const container = job?.spec.template.spec.containers[0];
    expect(container.image).toMatch(/^idp-gateway:/);
    expect(container.command).toEqual(['node', 'tools/setup/dist/main.js']);
  });

  it('ships a copy of config/gateway.yaml that equals it byte for byte', () => {
    const source = readFileSync(join(repoRoot, 'config', 'gateway.yaml'), 'utf8');
    // If this fails: cp config/gateway.yaml k8s/gateway.yaml
    expect(readFileSync(join(k8sDir, 'gateway.yaml'), 'utf8')).toBe(source);
    const configMap = ofKind(rendered.objects, 'ConfigMap').find((c) => c.data?.['gateway.yaml']);
    expect(configMap?.data['gateway.yaml']).toBe(source);
  });

  it('covers every secret file the kustomization reads, and no other', async () => {
    const secrets = await makeSecrets();
    expect(Object.keys(secrets.files).sort()).toEqual(generatorFiles().sort());
  });

  it('fails without the secret files, naming the missing file', async () => {
    const all = generatorFiles();
    const none = await renderCopy(all, rendered.secrets);
    expect(none.status).not.toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/k8s\/secrets\/\S+.*no such file or directory/);
    for (const missing of all) {
      const result = await renderCopy([missing], rendered.secrets);
      expect(result.status, missing).not.toBe(0);
      expect(result.stderr, missing).toContain(`k8s/${missing}`);
      expect(result.stderr, missing).toMatch(/no such file or directory/);
    }
  });
});
