// `POST /api/v1/service-accounts/{id}/nats-credentials`: NATS-native publisher credentials for the
// service account's tenant (design.md §9). They may publish only `idp.evt.<tenant>.>`, work at once
// (signed by the account's publisher signing key, which the server already trusts) and expire.
import { readFile } from 'node:fs/promises';
import {
  ApiError,
  type IssuedNatsCredentials,
  type IssueNatsCredentialsBody,
  type RpcRequest,
  type RpcSuccess,
} from '@idp/contracts';
import { issueTenantPublisherCreds, readCredsClaims } from '@idp/nats-auth';
import type { ServiceAccounts } from './service-accounts.js';

export interface NatsCredentialIssuer {
  issue(tenant: string, name: string, ttlSeconds?: number): Promise<IssuedNatsCredentials>;
}

/**
 * The issuer, or undefined when this deployment does not issue publisher credentials (no seed file).
 * The account comes from the auth service's own credentials: its user belongs to that account.
 */
export async function loadNatsCredentialIssuer(env: {
  IDP_NATS_PUBLISHER_SEED_FILE?: string;
  NATS_CREDS?: string;
}): Promise<NatsCredentialIssuer | undefined> {
  if (!env.IDP_NATS_PUBLISHER_SEED_FILE) return undefined;
  if (!env.NATS_CREDS) {
    throw new Error('IDP_NATS_PUBLISHER_SEED_FILE needs NATS_CREDS: the account is read from them');
  }
  const seed = (await readFile(env.IDP_NATS_PUBLISHER_SEED_FILE, 'utf8')).trim();
  const account = readCredsClaims(await readFile(env.NATS_CREDS, 'utf8')).issuerAccount;
  if (!account) throw new Error(`NATS_CREDS ${env.NATS_CREDS} names no issuer account`);
  return {
    issue: async (tenant, name, ttlSeconds) => {
      const issued = await issueTenantPublisherCreds({
        tenant,
        name,
        accountPublicKey: account,
        publisherSignerSeed: seed,
        ttlSeconds,
      });
      const { user: _user, ...answer } = issued;
      return answer;
    },
  };
}

/** The route's handler; the edge has already required the tenant-wide permission. */
export function natsCredentialsRoute(
  issuer: NatsCredentialIssuer | undefined,
  serviceAccounts: ServiceAccounts,
) {
  return async (req: RpcRequest): Promise<RpcSuccess> => {
    const tenant = req.principal.tenant_id;
    const account = serviceAccounts.get(tenant, req.params.id!);
    if (!issuer) {
      throw new ApiError(
        'SERVICE_UNAVAILABLE',
        'This deployment does not issue NATS credentials (IDP_NATS_PUBLISHER_SEED_FILE is not set)',
      );
    }
    const body = (req.body ?? {}) as IssueNatsCredentialsBody;
    const issued = await issuer.issue(tenant, `${account.id}@${tenant}`, body.ttl_seconds);
    return { ok: true, status: 201, data: issued };
  };
}
