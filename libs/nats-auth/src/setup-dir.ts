// Writes (and on later runs, refreshes) a NATS setup directory (design.md §9):
//   keys/*.nk            seeds of the operator, accounts and signing keys: made once, never overwritten
//   nats-server.conf     operator mode, accounts preloaded
//   creds/<user>.creds   one credentials file per service (and per extra user)
// JWTs, config and creds are re-derived from the kept keys on every run, so a change of the
// permission table reaches them without changing any identity. Node-only (files): the one edge here.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createUser } from '@nats-io/jwt';
import {
  type AccountLimitsOptions,
  encodeTrust,
  issueUserCreds,
  newTrustSeeds,
  type TrustJwts,
  type TrustSeeds,
} from './credentials.js';
import { renderServerConfig } from './server-config.js';
import { SERVICE_PERMISSIONS, type UserPermissions } from './service-users.js';

export interface NatsSetupOptions {
  /** Users beyond the services', e.g. a test observer. */
  extraUsers?: Record<string, UserPermissions>;
  limits?: AccountLimitsOptions;
  /** Extra server config lines (TLS, cluster). */
  serverConfigExtra?: string;
}

export interface NatsSetup {
  dir: string;
  configFile: string;
  trust: TrustJwts;
  /** Path of a user's `.creds` file. */
  credsFile(user: string): string;
  /** Path of the seed file of the signing key for tenant publishers. */
  publisherSignerFile: string;
  /** True when this run made new keys (a fresh directory). */
  created: boolean;
  /** User public key → user name, to read the server's log (it names users by key). */
  userNames: Map<string, string>;
}

const SEED_FILES: Record<keyof TrustSeeds, string> = {
  operator: 'operator.nk',
  systemAccount: 'system-account.nk',
  account: 'account.nk',
  serviceSigner: 'service-signer.nk',
  publisherSigner: 'publisher-signer.nk',
};

export async function writeNatsSetup(dir: string, options: NatsSetupOptions = {}): Promise<NatsSetup> {
  const keysDir = join(dir, 'keys');
  const credsDir = join(dir, 'creds');
  await mkdir(join(keysDir, 'users'), { recursive: true, mode: 0o700 });
  await mkdir(credsDir, { recursive: true, mode: 0o700 });
  const { seeds, created } = await loadOrCreateSeeds(keysDir);
  const trust = await encodeTrust(seeds, options.limits);
  const configFile = join(dir, 'nats-server.conf');
  await writeSecret(configFile, renderServerConfig(trust, { extra: options.serverConfigExtra }));

  const users: Record<string, UserPermissions> = { ...SERVICE_PERMISSIONS, ...options.extraUsers };
  const userNames = new Map<string, string>();
  for (const [name, permissions] of Object.entries(users)) {
    const userSeed = await keepSeed(join(keysDir, 'users', `${name}.nk`), () =>
      new TextDecoder().decode(createUser().getSeed()),
    );
    const { creds, publicKey } = await issueUserCreds({
      name,
      permissions,
      accountPublicKey: trust.account.publicKey,
      signerSeed: seeds.serviceSigner,
      userSeed,
    });
    await writeSecret(join(credsDir, `${name}.creds`), creds);
    userNames.set(publicKey, name);
  }
  return {
    dir,
    configFile,
    trust,
    credsFile: (user) => join(credsDir, `${user}.creds`),
    publisherSignerFile: join(keysDir, SEED_FILES.publisherSigner),
    created,
    userNames,
  };
}

async function loadOrCreateSeeds(keysDir: string): Promise<{ seeds: TrustSeeds; created: boolean }> {
  const fresh = newTrustSeeds();
  const created = !existsSync(join(keysDir, SEED_FILES.operator));
  const seeds = {} as TrustSeeds;
  for (const [key, file] of Object.entries(SEED_FILES) as [keyof TrustSeeds, string][]) {
    seeds[key] = await keepSeed(join(keysDir, file), () => fresh[key]);
  }
  return { seeds, created };
}

/** The seed in `file`, or a new one written there (0600) when the file does not exist yet. */
async function keepSeed(file: string, make: () => string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const seed = make();
  await writeFile(file, `${seed}\n`, { mode: 0o600, flag: 'wx' });
  return seed;
}

async function writeSecret(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
  await chmod(file, 0o600);
}
