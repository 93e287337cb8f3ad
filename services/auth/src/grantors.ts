// Credentials re-validated against their creator's current rights: an API key or service account keeps
// only the role bindings its creator could still grant today (docs/auth.md, "Who granted it").
//
// Each credential records its grantor at issue. A grantor that is itself a credential is followed to its
// record (so deleting or narrowing it narrows everything it created, transitively). A grantor that is a
// user authenticated by a JWT has no record we can read: what we know of its rights is the roles of the
// newest token (by `iat`) it has presented, kept in a `grantor.<tenant>.<hash>` record that is written
// at issue and again whenever a newer token of that user carries other roles.
import { ApiError, type CredentialKind, type Principal, type RoleBinding } from '@idp/contracts';
import { narrowToGrantor, type RoleCatalogue } from '@idp/rbac';
import { API_KEY_PREFIX_IN_BUCKET, credentialRecordKey, serviceAccountPrefix } from './credential-keys.js';
import type { KvMirror } from './credential-store.js';
import { sha256Hex } from './secrets.js';

export interface Grantor {
  sub: string;
  credential: CredentialKind;
  /** The bucket key of what speaks for the grantor's rights: a credential record or a user's rights record. */
  record: string;
  /** The grantor's bindings when it issued the credential (kept for audit, and as the fallback for a user). */
  roles: RoleBinding[];
}

/** Any credential record: API key or service account. */
export interface GrantedCredential {
  kind: 'api_key' | 'service_account';
  id: string;
  tenant_id: string;
  roles: RoleBinding[];
  key_hash?: string;
  /** Missing on credentials issued before grantors were recorded: they keep their roles. */
  grantor?: Grantor;
}

/** What is known of a user's rights: the roles of its newest token seen. */
export interface GrantorRights {
  kind: 'grantor_rights';
  tenant_id: string;
  sub: string;
  roles: RoleBinding[];
  /** `iat` of the token those roles came from; only a newer token replaces them. */
  issued_at: number;
  updated_at: string;
}

type Stored = GrantedCredential | GrantorRights;

/** A chain of credentials creating credentials longer than this grants nothing (and cannot loop). */
const MAX_CHAIN = 8;

const ownRoles = (principal: Principal) =>
  principal.roles.filter(
    (b) => !b.scope.startsWith('tenant:') || b.scope === `tenant:${principal.tenant_id}`,
  );
const sameRoles = (a: RoleBinding[], b: RoleBinding[]) => {
  const key = (list: RoleBinding[]) => JSON.stringify(list.map((r) => `${r.role}@${r.scope}`).sort());
  return key(a) === key(b);
};
const isCredential = (value: Stored | undefined): value is GrantedCredential =>
  value?.kind === 'api_key' || value?.kind === 'service_account';

export class Grantors {
  constructor(
    private readonly store: KvMirror<Stored>,
    private readonly catalogue: RoleCatalogue,
  ) {}

  static async rightsKey(tenant: string, sub: string): Promise<string> {
    return `grantor.${tenant}.${(await sha256Hex(sub)).slice(0, 40)}`;
  }

  /** At issue: records who grants, and for a user the rights its token shows now. */
  async capture(principal: Principal): Promise<Grantor> {
    const roles = ownRoles(principal);
    if (principal.credential !== 'jwt') {
      const record = this.credentials(principal.tenant_id).find((c) => c.id === principal.credential_id);
      if (!record) {
        throw new ApiError('UNAUTHENTICATED', 'The credential you used no longer exists', {
          reason: 'revoked',
        });
      }
      return {
        sub: principal.sub,
        credential: principal.credential,
        record: credentialRecordKey(record),
        roles,
      };
    }
    const key = await Grantors.rightsKey(principal.tenant_id, principal.sub);
    await this.learn(key, principal, roles);
    return { sub: principal.sub, credential: 'jwt', record: key, roles };
  }

  /**
   * A user's token was accepted: if it is newer than what we know and shows other roles, record them.
   * Returns the credentials whose rights may have changed, so caches can drop them.
   */
  async observe(principal: Principal): Promise<GrantedCredential[]> {
    if (principal.credential !== 'jwt' || principal.issued_at === undefined) return [];
    const key = await Grantors.rightsKey(principal.tenant_id, principal.sub);
    if (!this.store.get(key)) return []; // not a grantor of anything: nothing to keep
    return (await this.learn(key, principal, ownRoles(principal)))
      ? this.dependents(principal.tenant_id, key)
      : [];
  }

  /** The bindings a credential keeps: its own, narrowed to what its grantor may still grant. */
  effectiveRoles(credential: GrantedCredential, depth = 0): RoleBinding[] {
    const grantor = credential.grantor;
    if (!grantor) return credential.roles;
    if (depth >= MAX_CHAIN) return [];
    const source = this.store.get(grantor.record);
    let rights: RoleBinding[];
    if (isCredential(source)) rights = this.effectiveRoles(source, depth + 1);
    else if (source?.kind === 'grantor_rights') rights = source.roles;
    // A user's rights record is missing only if it was cleaned up in a race: the roles at issue stand.
    else rights = grantor.credential === 'jwt' ? grantor.roles : [];
    const grantorPrincipal: Principal = {
      sub: grantor.sub,
      tenant_id: credential.tenant_id,
      roles: rights,
      credential: grantor.credential,
    };
    return narrowToGrantor(credential.roles, grantorPrincipal, this.catalogue);
  }

  /** Every credential created, directly or through others, by what `key` stands for. */
  dependents(tenant: string, key: string): GrantedCredential[] {
    const all = this.credentials(tenant);
    const found: GrantedCredential[] = [];
    const queue = [key];
    const seen = new Set(queue);
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const credential of all) {
        const own = credentialRecordKey(credential);
        if (credential.grantor?.record !== current || seen.has(own)) continue;
        seen.add(own);
        found.push(credential);
        queue.push(own);
      }
    }
    return found;
  }

  /** Drops a user's rights record once nothing it granted is left. */
  async forget(tenant: string, grantor: Grantor | undefined): Promise<void> {
    if (grantor?.credential !== 'jwt') return;
    const used = this.credentials(tenant).some((c) => c.grantor?.record === grantor.record);
    if (!used && this.store.get(grantor.record)) await this.store.delete(grantor.record);
  }

  /** The tenant's API keys and service accounts. */
  private credentials(tenant: string): GrantedCredential[] {
    return [
      ...this.store.entries(API_KEY_PREFIX_IN_BUCKET).filter((c) => c.tenant_id === tenant),
      ...this.store.entries(serviceAccountPrefix(tenant)),
    ].filter(isCredential);
  }

  /** Writes the rights a token shows when it is the newest seen; true when they changed. */
  private async learn(key: string, principal: Principal, roles: RoleBinding[]): Promise<boolean> {
    const known = this.store.get(key) as GrantorRights | undefined;
    const issuedAt = principal.issued_at ?? Math.floor(Date.now() / 1000);
    if (known && (issuedAt < known.issued_at || sameRoles(known.roles, roles))) return false;
    const rights: GrantorRights = {
      kind: 'grantor_rights',
      tenant_id: principal.tenant_id,
      sub: principal.sub,
      roles,
      issued_at: issuedAt,
      updated_at: new Date().toISOString(),
    };
    await this.store.put(key, rights);
    return known !== undefined;
  }
}
