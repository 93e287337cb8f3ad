// Service accounts (spec §5.1) for CI/CD and automation: records in the credentials bucket, and
// short-lived EdDSA-signed JWTs issued for them. Deleting the account or revoking one token refuses
// the token on every instance within the time a KV watch takes to deliver (milliseconds). A token id
// names its account, so one account's id can never be used to revoke another account's token; an
// account keeps only the roles its creator could still grant (grantors.ts).
import {
  ApiError,
  type CreateServiceAccountBody,
  type IssuedToken,
  notFound,
  type Principal,
  type ServiceAccount,
} from '@idp/contracts';
import { createLocalJWKSet, errors, jwtVerify, SignJWT } from 'jose';
import { serviceAccountPrefix, serviceAccountRecordKey } from './credential-keys.js';
import type { KvMirror } from './credential-store.js';
import type { Grantor, Grantors } from './grantors.js';
import { newId, randomToken } from './secrets.js';
import type { SigningKey } from './signing-keys.js';
import { TenantLimit } from './tenant-limit.js';

export interface StoredServiceAccount extends ServiceAccount {
  kind: 'service_account';
  grantor?: Grantor;
}
export interface RevokedToken {
  token_id: string;
  revoked_at: string;
}

export interface ServiceTokenOptions {
  issuer: string;
  audience: string;
  defaultTtlS: number;
  clockToleranceS: number;
  maxTokenAgeS: number;
  maxPerTenant: number;
}

const recordKey = serviceAccountRecordKey;
const publicView = ({ kind: _kind, grantor: _grantor, ...record }: StoredServiceAccount): ServiceAccount =>
  record;
/** `<account id>_t<random>`: the token id says which account it belongs to (and still matches `Id`). */
const tokenIdFor = (accountId: string) => `${accountId}_t${randomToken(12)}`;
const belongsTo = (tokenId: string, accountId: string) => tokenId.startsWith(`${accountId}_t`);

export class ServiceAccounts {
  private readonly jwks: ReturnType<typeof createLocalJWKSet>;
  private readonly limit: TenantLimit;

  constructor(
    private readonly store: KvMirror<StoredServiceAccount>,
    private readonly revoked: KvMirror<RevokedToken>,
    private readonly key: SigningKey,
    private readonly grantors: Grantors,
    private readonly options: ServiceTokenOptions,
  ) {
    this.jwks = createLocalJWKSet(key.jwks);
    this.limit = new TenantLimit(
      'service accounts',
      options.maxPerTenant,
      (tenant) => this.store.entries(serviceAccountPrefix(tenant)).length,
    );
  }

  async create(principal: Principal, body: CreateServiceAccountBody): Promise<ServiceAccount> {
    return this.limit.reserve(principal.tenant_id, async () => {
      const record: StoredServiceAccount = {
        kind: 'service_account',
        id: newId('sa'),
        tenant_id: principal.tenant_id,
        name: body.name,
        description: body.description ?? '',
        roles: body.roles,
        created_by: principal.sub,
        created_at: new Date().toISOString(),
        grantor: await this.grantors.capture(principal),
      };
      await this.store.put(recordKey(record.tenant_id, record.id), record);
      return publicView(record);
    });
  }

  /** The tenant's service accounts that `visible` lets the caller see. */
  list(tenant: string, visible: (account: ServiceAccount) => boolean = () => true): ServiceAccount[] {
    return this.store
      .entries(serviceAccountPrefix(tenant))
      .sort((a, b) => a.created_at.localeCompare(b.created_at))
      .map(publicView)
      .filter(visible);
  }

  get(tenant: string, id: string): ServiceAccount {
    const record = this.store.get(recordKey(tenant, id));
    if (!record) throw notFound('service account', id);
    return publicView(record);
  }

  /** Removes the account; returns it and what it had created, so the caller can announce the revocation. */
  async delete(tenant: string, id: string): Promise<{ account: ServiceAccount; dependents: string[] }> {
    const record = this.store.get(recordKey(tenant, id));
    if (!record) throw notFound('service account', id);
    await this.store.delete(recordKey(tenant, id));
    await this.grantors.forget(tenant, record.grantor);
    const dependents = this.grantors.dependents(tenant, recordKey(tenant, id)).map((c) => c.id);
    return { account: publicView(record), dependents };
  }

  async issueToken(tenant: string, id: string, ttlSeconds?: number): Promise<IssuedToken> {
    const account = this.get(tenant, id);
    const tokenId = tokenIdFor(account.id);
    const expiresAt = Math.floor(Date.now() / 1000) + (ttlSeconds ?? this.options.defaultTtlS);
    const token = await new SignJWT({ tenant_id: account.tenant_id, roles: account.roles })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.key.kid, typ: 'JWT' })
      .setSubject(account.id)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setJti(tokenId)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.key.privateKey);
    return {
      token,
      token_id: tokenId,
      token_type: 'Bearer',
      expires_at: new Date(expiresAt * 1000).toISOString(),
    };
  }

  /** Revokes one token of this account; a token id of any other account is not found here. */
  async revokeToken(tenant: string, id: string, tokenId: string): Promise<void> {
    this.get(tenant, id);
    if (!belongsTo(tokenId, id)) throw notFound('token of this service account', tokenId);
    await this.revoked.put(`jti.${tokenId}`, { token_id: tokenId, revoked_at: new Date().toISOString() });
  }

  /** Verifies a token this service issued: signature, issuer, audience, expiry, account and revocation. */
  async authenticate(token: string): Promise<Principal> {
    let payload: { sub?: string; jti?: string; tenant_id?: unknown; exp?: number };
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: ['EdDSA'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceS,
        maxTokenAge: this.options.maxTokenAgeS,
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      }));
    } catch (error) {
      const expired = error instanceof errors.JWTExpired;
      throw new ApiError(
        'UNAUTHENTICATED',
        expired ? 'The token has expired' : 'The service-account token is not valid',
        {
          reason: expired ? 'expired' : 'invalid_service_token',
        },
      );
    }
    const account =
      typeof payload.tenant_id === 'string'
        ? this.store.get(recordKey(payload.tenant_id, payload.sub!))
        : undefined;
    if (!account)
      throw new ApiError('UNAUTHENTICATED', 'The service account no longer exists', { reason: 'revoked' });
    if (this.revoked.get(`jti.${payload.jti}`)) {
      throw new ApiError('UNAUTHENTICATED', 'The token has been revoked', { reason: 'revoked' });
    }
    const roles = this.grantors.effectiveRoles(account);
    if (roles.length === 0) {
      throw new ApiError(
        'UNAUTHENTICATED',
        "The service account's creator no longer holds the roles it granted",
        { reason: 'grantor_rights_revoked' },
      );
    }
    return {
      sub: account.id,
      tenant_id: account.tenant_id,
      roles,
      credential: 'service_account',
      credential_id: account.id,
      token_id: payload.jti!,
      expires_at: payload.exp!,
      name: account.name,
    };
  }
}
