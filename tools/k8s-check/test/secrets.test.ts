// Each pod can read exactly the secrets it needs (its own NATS user, never another's; the JWT secret in
// auth only), and k8s/ ships no secret value: every Secret is made from git-ignored files.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEV_JWT_SECRET } from '@idp/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { literalEnv, mountedFiles, ofKind, secretRefs, workloads } from '../src/objects.js';
import { k8sDir, type Rendered, render, repoRoot } from '../src/render.js';
import { NATS_USERS } from '../src/secret-files.js';

let rendered: Rendered;
beforeAll(async () => {
  rendered = await render();
});

const natsClient = (user: string) => [`nats-creds-${user}/${user}.creds`, 'nats-tls/ca.crt'];

/** Every Secret key each pod may read: anything more is a leak, anything less a broken pod. */
const SECRETS_BY_WORKLOAD: Record<string, string[]> = {
  'Deployment/edge': natsClient('edge'),
  'Deployment/auth': [
    ...natsClient('auth'),
    'auth-secrets/IDP_JWT_SECRET',
    'auth-secrets/IDP_AUTH_ENCRYPTION_KEY',
    'nats-publisher-signer/seed',
  ],
  'Deployment/ratelimit': natsClient('ratelimit'),
  'Deployment/platform': natsClient('platform'),
  'Deployment/realtime': natsClient('realtime'),
  'Job/nats-setup': natsClient('setup'),
  'StatefulSet/nats': [
    'nats-resolver/resolver.conf',
    'nats-tls/tls.crt',
    'nats-tls/tls.key',
    'nats-tls/ca.crt',
    'nats-cluster/NATS_CLUSTER_USER',
    'nats-cluster/NATS_CLUSTER_PASSWORD',
  ],
};

/** The Job's container runs as the `setup` NATS user; every service as its own name. */
const natsUser = (name: string) => (name === 'nats-setup' ? 'setup' : name);

const decode = (value: string) => Buffer.from(value.replace(/\s/g, ''), 'base64').toString('utf8');

describe('secrets in the rendered manifests', () => {
  it('give each pod exactly the Secret keys it needs', () => {
    const actual = Object.fromEntries(
      workloads(rendered.objects).map((w) => [
        `${w.kind}/${w.name}`,
        [...new Set(secretRefs(rendered.objects, w.pod).map((r) => `${r.secret}/${r.key}`))].sort(),
      ]),
    );
    const expected = Object.fromEntries(
      Object.entries(SECRETS_BY_WORKLOAD).map(([k, v]) => [k, [...v].sort()]),
    );
    expect(actual).toEqual(expected);
  });

  it.each(NATS_USERS.map((user) => (user === 'setup' ? 'nats-setup' : user)))(
    '%s reads its own NATS credentials and the NATS CA from the files its env names',
    (name) => {
      const workload = workloads(rendered.objects).find((w) => w.name === name)!;
      const [container] = workload.pod.containers;
      const env = literalEnv(container!);
      const files = mountedFiles(rendered.objects, workload.pod, container!);
      const user = natsUser(name);
      expect(env.NATS_CREDS).toBe(`/etc/idp/nats/${user}.creds`);
      expect(files.get(env.NATS_CREDS!)).toEqual({
        from: 'Secret',
        name: `nats-creds-${user}`,
        key: `${user}.creds`,
      });
      expect(files.get(env.NATS_TLS_CA!)).toEqual({ from: 'Secret', name: 'nats-tls', key: 'ca.crt' });
      expect(files.get(env.IDP_CONFIG!)).toEqual({
        from: 'ConfigMap',
        name: 'gateway-config',
        key: 'gateway.yaml',
      });
      // Server-side TLS only: clients prove who they are with their .creds.
      expect(env.NATS_TLS_KEY).toBeUndefined();
    },
  );

  it('give auth the publisher signing seed as a file and the encryption key from its Secret', () => {
    const auth = workloads(rendered.objects).find((w) => w.name === 'auth')!;
    const [container] = auth.pod.containers;
    const env = literalEnv(container!);
    expect(env.IDP_NATS_PUBLISHER_SEED_FILE).toBe('/etc/idp/nats-publisher/seed');
    expect(
      mountedFiles(rendered.objects, auth.pod, container!).get(env.IDP_NATS_PUBLISHER_SEED_FILE!),
    ).toEqual({
      from: 'Secret',
      name: 'nats-publisher-signer',
      key: 'seed',
    });
    const fromSecret = (container!.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
    expect(fromSecret.sort()).toEqual(['IDP_AUTH_ENCRYPTION_KEY', 'IDP_JWT_SECRET']);
  });

  it('name IDP_JWT_SECRET in the auth Deployment and its Secret only', () => {
    const naming = rendered.objects
      .filter((o) => JSON.stringify(o).includes('IDP_JWT_SECRET'))
      .map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`);
    expect(naming.sort()).toEqual(['Deployment/auth', 'Secret/auth-secrets']);
  });

  it('hold only the values this test generated, never in clear', () => {
    const made = new Set([...Object.values(rendered.secrets.files), ...Object.values(rendered.secrets.env)]);
    for (const secret of ofKind(rendered.objects, 'Secret')) {
      expect(secret.stringData, secret.metadata.name).toBeUndefined();
      for (const [key, value] of Object.entries(secret.data as Record<string, string>))
        expect(made.has(decode(value)), `${secret.metadata.name}/${key}`).toBe(true);
    }
    for (const value of rendered.secrets.values) expect(rendered.text).not.toContain(value.trim());
  });

  it('carry no secret literal of the repository', () => {
    const decoded = ofKind(rendered.objects, 'Secret').flatMap((s) =>
      Object.values(s.data as Record<string, string>).map(decode),
    );
    for (const known of [DEV_JWT_SECRET, 'change-me']) {
      expect(rendered.text).not.toContain(known);
      for (const value of decoded) expect(value).not.toContain(known);
    }
  });

  it('take every secret-looking variable from a Secret, never from a literal', () => {
    const secretLike = /(SECRET|PASSWORD|TOKEN|_KEY|SEED)$/;
    for (const { name, pod } of workloads(rendered.objects))
      for (const container of pod.containers) {
        const fromSecret = new Set<string>();
        for (const env of container.env ?? []) {
          if (env.valueFrom?.secretKeyRef) fromSecret.add(env.name);
          if (!secretLike.test(env.name) || env.valueFrom?.secretKeyRef) continue;
          // A literal may only compose variables that come from a Secret ($(VAR), expanded by Kubernetes).
          const refs = [...(env.value ?? '').matchAll(/\$\(([A-Z0-9_]+)\)/g)].map((m) => m[1]!);
          expect(refs.length, `${name} ${env.name}`).toBeGreaterThan(0);
          for (const ref of refs) expect(fromSecret.has(ref), `${name} ${env.name} uses ${ref}`).toBe(true);
        }
      }
  });
});

describe('k8s/ as committed', () => {
  const committed = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return relative(k8sDir, path) === 'secrets' ? [] : committed(path);
      return [path];
    });

  it('holds no key, seed, token or secret value', () => {
    for (const file of committed(k8sDir)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      // NATS nkey seeds (operator, account, user) and JWTs.
      expect(text, file).not.toMatch(/\bS[OAU][A-Z2-7]{54,}\b/);
      expect(text, file).not.toMatch(/\beyJ[\w-]{10,}\.[\w-]{10,}/);
      expect(text, file).not.toContain(DEV_JWT_SECRET);
    }
    expect(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')).not.toMatch(/^\s*literals:/m);
  });

  it('keeps the secret files out of git', () => {
    const ignored = (path: string) => {
      try {
        execFileSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: repoRoot });
        return true;
      } catch {
        return false;
      }
    };
    for (const path of Object.keys(rendered.secrets.files)) expect(ignored(`k8s/${path}`), path).toBe(true);
    expect(ignored('k8s/secrets/README.md')).toBe(false);
  });
});
