// Renders k8s/overlays/local from a copy of k8s/ whose secrets/ holds files made for this run (the real
// k8s/secrets/ is never touched): NATS operator and credentials, auth's keys, a certificate for NATS.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type NatsSetup, writeNatsSetup } from '@idp/nats-auth';
import { makeTestCertificates, type TestCertificates } from '@idp/testing';
import { ROOT } from '../paths.js';
import { run } from '../podman.js';

export interface Rendered {
  yaml: string;
  nats: NatsSetup;
  certs: TestCertificates;
  authEnv: { IDP_JWT_SECRET: string; IDP_AUTH_ENCRYPTION_KEY: string };
}

/** The NATS container reads its certificate from /etc/nats, next to this config (kube/play.ts). */
const NATS_TLS = 'tls {\n  cert_file: "/etc/nats/tls.crt"\n  key_file: "/etc/nats/tls.key"\n}';

async function writeSecretFiles(secretsDir: string, certs: TestCertificates, authEnv: Rendered['authEnv']) {
  const nats = await writeNatsSetup(join(secretsDir, 'nats'), { serverConfigExtra: NATS_TLS });
  const env = (values: Record<string, string>) =>
    Object.entries(values)
      .map(([key, value]) => `${key}=${value}\n`)
      .join('');
  await writeFile(join(secretsDir, 'auth.env'), env(authEnv), { mode: 0o600 });
  const cluster = { NATS_CLUSTER_USER: 'route', NATS_CLUSTER_PASSWORD: randomBytes(32).toString('hex') };
  await writeFile(join(secretsDir, 'nats-cluster.env'), env(cluster), { mode: 0o600 });
  await mkdir(join(secretsDir, 'nats-tls'), { recursive: true });
  await writeFile(join(secretsDir, 'nats-tls/tls.crt'), certs.cert);
  await writeFile(join(secretsDir, 'nats-tls/tls.key'), certs.key, { mode: 0o600 });
  await writeFile(join(secretsDir, 'nats-tls/ca.crt'), certs.ca);
  return nats;
}

export async function renderLocalOverlay(workDir: string): Promise<Rendered> {
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  const k8s = join(workDir, 'k8s');
  await cp(join(ROOT, 'k8s'), k8s, { recursive: true, filter: (src) => !src.includes('/k8s/secrets/') });
  const certs = await makeTestCertificates();
  const authEnv = {
    IDP_JWT_SECRET: randomBytes(48).toString('base64'),
    IDP_AUTH_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const nats = await writeSecretFiles(join(k8s, 'secrets'), certs, authEnv);
  // The overlay starts from the rendered base (kustomize refuses an overlay inside its base's folder).
  const overlay = join(workDir, 'overlay');
  await cp(join(ROOT, 'k8s/overlays/local'), overlay, { recursive: true });
  await writeFile(join(overlay, 'base.yaml'), await kustomize(k8s), { mode: 0o600 });
  return { yaml: await kustomize(overlay), nats, certs, authEnv };
}

async function kustomize(dir: string): Promise<string> {
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  const rendered = await run(kubectl, ['kustomize', dir], { env: process.env, timeoutMs: 60_000 }).catch(
    (error: Error) => {
      throw new Error(`${error.message}: kubectl 1.21 or newer renders the overlay (KUBECTL may name one)`);
    },
  );
  if (rendered.code !== 0) throw new Error(`${kubectl} kustomize ${dir}: ${rendered.stderr.trim()}`);
  return rendered.stdout;
}
