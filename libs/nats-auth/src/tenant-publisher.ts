// Credentials for a NATS-native publisher of one tenant (design.md §9): signed by the account's
// publisher signing key, so they work at once without reloading nats-server, and they expire.
import { subjectToken } from '@idp/contracts';
import { issueUserCreds } from './credentials.js';
import { tenantPublisherInbox, tenantPublisherPermissions } from './service-users.js';

export const DEFAULT_PUBLISHER_TTL_S = 24 * 60 * 60;
export const MAX_PUBLISHER_TTL_S = 30 * 24 * 60 * 60;

export interface TenantPublisherOptions {
  tenant: string;
  /** Who the credentials are for, shown as the NATS user's name. */
  name?: string;
  accountPublicKey: string;
  publisherSignerSeed: string;
  ttlSeconds?: number;
  now?: () => number;
}

export async function issueTenantPublisherCreds(options: TenantPublisherOptions) {
  const ttl = options.ttlSeconds ?? DEFAULT_PUBLISHER_TTL_S;
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > MAX_PUBLISHER_TTL_S) {
    throw new RangeError(`ttl must be between 60 and ${MAX_PUBLISHER_TTL_S} seconds`);
  }
  const token = subjectToken(options.tenant);
  const expiresAt = Math.floor((options.now?.() ?? Date.now()) / 1000) + ttl;
  const { creds, publicKey } = await issueUserCreds({
    name: options.name ?? `publisher@${options.tenant}`,
    permissions: tenantPublisherPermissions(token),
    accountPublicKey: options.accountPublicKey,
    signerSeed: options.publisherSignerSeed,
    expiresAt,
  });
  return {
    creds,
    user: publicKey,
    expires_at: new Date(expiresAt * 1000).toISOString(),
    /** Subjects it may publish to, and the inbox prefix it must connect with. */
    publish_subject: `idp.evt.${token}.>`,
    inbox_prefix: tenantPublisherInbox(token),
  };
}
