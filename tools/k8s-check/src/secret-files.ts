// The git-ignored files that k8s/kustomization.yaml makes its Secrets from, filled with values made
// for one test run: random where the content does not matter, real (operator JWTs, certificates)
// where nats-server has to accept them.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createAccount, createOperator, encodeAccount, encodeOperator } from '@nats-io/jwt';
import { makeNodeCertificate } from './certificates.js';

export const SERVICES = ['edge', 'auth', 'ratelimit', 'platform', 'realtime'] as const;
/** The NATS users with a credentials file: every service and the setup Job. */
export const NATS_USERS = [...SERVICES, 'setup'] as const;

export interface GeneratedSecrets {
  /** File contents by path relative to the kustomization directory. */
  files: Record<string, string>;
  /** Every value that must never appear in clear in the rendered output. */
  values: string[];
  env: {
    IDP_JWT_SECRET: string;
    IDP_AUTH_ENCRYPTION_KEY: string;
    NATS_CLUSTER_USER: string;
    NATS_CLUSTER_PASSWORD: string;
  };
}

/** An operator-mode resolver config as `npm run nats:setup` writes it: operator, accounts, preload. */
async function resolverConfig(): Promise<string> {
  const operator = createOperator();
  const system = createAccount();
  const account = createAccount();
  // An account JWT needs explicit limits; JetStream needs non-zero storage (design.md §9).
  const limits = { conn: -1, subs: -1, payload: -1, data: -1, mem_storage: -1, disk_storage: -1 };
  const operatorJwt = await encodeOperator('idp-k8s-check', operator, {
    system_account: system.getPublicKey(),
  });
  const systemJwt = await encodeAccount('SYS', system, {}, { signer: operator });
  const accountJwt = await encodeAccount('IDP', account, { limits }, { signer: operator });
  return [
    `operator: ${operatorJwt}`,
    `system_account: ${system.getPublicKey()}`,
    'jetstream: enabled',
    'resolver: MEMORY',
    'resolver_preload: {',
    `  ${system.getPublicKey()}: ${systemJwt}`,
    `  ${account.getPublicKey()}: ${accountJwt}`,
    '}',
    '',
  ].join('\n');
}

export async function makeSecrets(): Promise<GeneratedSecrets> {
  const env = {
    IDP_JWT_SECRET: randomBytes(48).toString('base64'),
    IDP_AUTH_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    NATS_CLUSTER_USER: `route-${randomBytes(4).toString('hex')}`,
    // Hex: it goes into the route URLs unescaped.
    NATS_CLUSTER_PASSWORD: randomBytes(32).toString('hex'),
  };
  const tls = makeNodeCertificate();
  const creds = Object.fromEntries(
    NATS_USERS.map((user) => [
      `secrets/nats/creds/${user}.creds`,
      `creds of ${user}: ${randomBytes(24).toString('hex')}\n`,
    ]),
  );
  const seed = `${new TextDecoder().decode(createAccount().getSeed())}\n`;
  const files: Record<string, string> = {
    'secrets/auth.env': `IDP_JWT_SECRET=${env.IDP_JWT_SECRET}\nIDP_AUTH_ENCRYPTION_KEY=${env.IDP_AUTH_ENCRYPTION_KEY}\n`,
    'secrets/nats-cluster.env': `NATS_CLUSTER_USER=${env.NATS_CLUSTER_USER}\nNATS_CLUSTER_PASSWORD=${env.NATS_CLUSTER_PASSWORD}\n`,
    'secrets/nats/nats-server.conf': await resolverConfig(),
    'secrets/nats/keys/publisher-signer.nk': seed,
    'secrets/nats-tls/tls.crt': tls['tls.crt'],
    'secrets/nats-tls/tls.key': tls['tls.key'],
    'secrets/nats-tls/ca.crt': tls['ca.crt'],
    ...creds,
  };
  const values = [
    env.IDP_JWT_SECRET,
    env.IDP_AUTH_ENCRYPTION_KEY,
    env.NATS_CLUSTER_PASSWORD,
    seed.trim(),
    tls['tls.key'],
    ...Object.values(creds),
  ];
  return { files, values, env };
}

/** Writes the secret files into a kustomization directory, leaving out the paths in `omit`. */
export function writeSecretFiles(dir: string, secrets: GeneratedSecrets, omit: string[] = []): void {
  for (const [path, content] of Object.entries(secrets.files)) {
    if (omit.includes(path)) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, path), content, { mode: 0o600 });
  }
}
