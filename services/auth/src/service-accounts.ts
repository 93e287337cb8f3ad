// Service accounts (spec §5.1) for CI/CD and automation: records in the credentials bucket, and
// short-lived EdDSA-signed JWTs issued for them. Deleting the account or revoking one token refuses
// the token on every instance within the time a KV watch takes to deliver (milliseconds).
import {
  ApiError,
  type CreateServiceAccountBody,
  type IssuedToken,
  notFound,
  type Principal,
  type ServiceAccount,
} from '@idp/contracts';
import { createLocalJWKSet, errors, jwtVerify, SignJWT } from 'jose';
import type { KvMirror } from './credential-store.js';
import { newId } from './secrets.js';
import type { SigningKey } from './signing-keys.js';

export interface StoredServiceAccount extends ServiceAccount {
  kind: 'service_account';
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
}

const recordKey = (tenant: string, id: string) => `sa.${tenant}.${id}`;
const publicView = ({ kind: _kind, ...record }: StoredServiceAccount): ServiceAccount => record;

export class ServiceAccounts {
  private readonly jwks: ReturnType<typeof createLocalJWKSet>;

  constructor(
    private readonly store: KvMirror<StoredServiceAccount>,
    private readonly revoked: KvMirror<RevokedToken>,
    private readonly key: SigningKey,
    private readonly options: ServiceTokenOptions,
  ) {
    this.jwks = createLocalJWKSet(key.jwks);
  }

  async create(principal: Principal, body: CreateServiceAccountBody): Promise<ServiceAccount> {
    const record: StoredServiceAccount = {
      kind: 'service_account',
      id: newId('sa'),
      tenant_id: principal.tenant_id,
      name: body.name,
      description: body.description ?? '',
      roles: body.roles,
      created_by: principal.sub,
      created_at: new Date().toISOString(),
    };
    await this.store.put(recordKey(record.tenant_id, record.id), record);
    return publicView(record);
  }

  list(tenant: string): ServiceAccount[] {
    return this.store
      .entries(`sa.${tenant}.`)
      .sort((a, b) => a.created_at.localeCompare(b.created_at))
      .map(publicView);
  }

  get(tenant: string, id: string): ServiceAccount {
    const record = this.store.get(recordKey(tenant, id));
    if (!record) throw notFound('service account', id);
    return publicView(record);
  }

  async delete(tenant: string, id: string): Promise<ServiceAccount> {
    const account = this.get(tenant, id);
    await this.store.delete(recordKey(tenant, id));
    return account;
  }

  async issueToken(tenant: string, id: string, ttlSeconds?: number): Promise<IssuedToken> {
    const account = this.get(tenant, id);
    const tokenId = newId('tok');
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

  async revokeToken(tenant: string, id: string, tokenId: string): Promise<void> {
    this.get(tenant, id);
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
        requiredClaims: ['sub', 'jti', 'exp'],
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
    return {
      sub: account.id,
      tenant_id: account.tenant_id,
      roles: account.roles,
      credential: 'service_account',
      credential_id: account.id,
      token_id: payload.jti!,
      expires_at: payload.exp!,
      name: account.name,
    };
  }
}
