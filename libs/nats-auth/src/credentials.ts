// Operator, accounts and user credentials made with the nats-io libraries (no hand-rolled signing).
// Web-standard only, so the auth service can mint publisher credentials on any runtime.
import {
  createAccount,
  createOperator,
  createUser,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
  fromSeed,
  type KeyPair,
  type User,
} from '@nats-io/jwt';
import type { UserPermissions } from './service-users.js';

const text = new TextEncoder();

/** The seeds that make up a deployment's trust: never regenerated once they exist. */
export interface TrustSeeds {
  operator: string;
  systemAccount: string;
  account: string;
  /** Signs the service users (held only by whoever runs `nats:setup`). */
  serviceSigner: string;
  /** Signs tenant publishers; the auth service holds it to issue them through the API. */
  publisherSigner: string;
}

export function newTrustSeeds(): TrustSeeds {
  const seed = (kp: KeyPair) => new TextDecoder().decode(kp.getSeed());
  return {
    operator: seed(createOperator()),
    systemAccount: seed(createAccount()),
    account: seed(createAccount()),
    serviceSigner: seed(createAccount()),
    publisherSigner: seed(createAccount()),
  };
}

export const keyPair = (seed: string) => fromSeed(text.encode(seed.trim()));

export interface AccountLimitsOptions {
  /** JetStream file storage of the application account, bytes. */
  diskStorageBytes?: number;
  memStorageBytes?: number;
  maxConnections?: number;
  maxPayloadBytes?: number;
}

export interface TrustJwts {
  operatorJwt: string;
  systemAccount: { publicKey: string; jwt: string };
  account: { publicKey: string; jwt: string };
}

const GiB = 1024 ** 3;

/** The operator and both accounts, signed: the server's resolver preload. */
export async function encodeTrust(seeds: TrustSeeds, limits: AccountLimitsOptions = {}): Promise<TrustJwts> {
  const operator = keyPair(seeds.operator);
  const system = keyPair(seeds.systemAccount);
  const account = keyPair(seeds.account);
  const operatorJwt = await encodeOperator('IDP', operator, { system_account: system.getPublicKey() });
  const systemJwt = await encodeAccount('SYS', system, { limits: unlimited() }, { signer: operator });
  // Explicit limits: an account JWT without them allows nothing, and JetStream needs storage > 0.
  const accountJwt = await encodeAccount(
    'IDP',
    account,
    {
      signing_keys: [
        keyPair(seeds.serviceSigner).getPublicKey(),
        keyPair(seeds.publisherSigner).getPublicKey(),
      ],
      limits: {
        ...unlimited(),
        conn: limits.maxConnections ?? 100_000,
        payload: limits.maxPayloadBytes ?? 1024 * 1024,
        // Counted over every replica: the system's streams reserve about 5.9 GiB, 17.7 GiB at R3
        // (IDP_STREAM_REPLICAS=3). Each server's own share stays bounded by its max_file_store.
        disk_storage: limits.diskStorageBytes ?? 24 * GiB,
        mem_storage: limits.memStorageBytes ?? 1 * GiB,
        streams: 64,
        consumer: 100_000,
      },
    },
    { signer: operator },
  );
  return {
    operatorJwt,
    systemAccount: { publicKey: system.getPublicKey(), jwt: systemJwt },
    account: { publicKey: account.getPublicKey(), jwt: accountJwt },
  };
}

function unlimited() {
  return { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
}

export interface IssueUserOptions {
  name: string;
  permissions: Pick<UserPermissions, 'publish' | 'subscribe' | 'respond'>;
  /** The account's public key (the user's `issuer_account`). */
  accountPublicKey: string;
  /** Seed of one of the account's signing keys. */
  signerSeed: string;
  /** Unix seconds; omitted for service users that live as long as the deployment. */
  expiresAt?: number;
  /** Reuse a user key (so re-running setup keeps identities); a new one otherwise. */
  userSeed?: string;
}

/** A `.creds` file (the NATS convention: the user JWT and its nkey seed). */
export async function issueUserCreds(
  options: IssueUserOptions,
): Promise<{ creds: string; publicKey: string }> {
  const user = options.userSeed ? keyPair(options.userSeed) : createUser();
  const { publish, subscribe, respond } = options.permissions;
  const claims: Partial<User> = {
    pub: { allow: publish },
    sub: { allow: subscribe },
    // One reply per request, within a minute: enough for every responder of ours.
    ...(respond && { resp: { max: 1, ttl: 60_000_000_000 } }),
  };
  const jwt = await encodeUser(options.name, user, options.accountPublicKey, claims, {
    signer: keyPair(options.signerSeed),
    ...(options.expiresAt !== undefined && { exp: options.expiresAt }),
  });
  return { creds: new TextDecoder().decode(fmtCreds(jwt, user)), publicKey: user.getPublicKey() };
}

/** The user JWT inside a `.creds` file, decoded (no signature check: it is our own file). */
export function readCredsClaims(creds: string): { name: string; issuerAccount?: string; exp?: number } {
  const match = /-----BEGIN NATS USER JWT-----\s*(\S+)\s*------END NATS USER JWT------/.exec(creds);
  if (!match?.[1]) throw new Error('not a NATS credentials file (no user JWT)');
  const payload = match[1].split('.')[1] ?? '';
  const base64 = payload.replaceAll('-', '+').replaceAll('_', '/');
  const json = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')));
  return { name: json.name, issuerAccount: json.nats?.issuer_account, exp: json.exp };
}
