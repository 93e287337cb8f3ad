// API keys (spec §5.1): shown once at creation, stored only as a SHA-256 hash, bound to one tenant
// and a set of roles, with an expiry no later than the configured maximum and a last-used time. At
// each use a key keeps only the roles its creator could still grant (grantors.ts).
import {
  API_KEY_PREFIX,
  ApiError,
  type ApiKey,
  type CreateApiKeyBody,
  notFound,
  type Principal,
} from '@idp/contracts';
import { API_KEY_PREFIX_IN_BUCKET, apiKeyRecordKey } from './credential-keys.js';
import type { KvMirror } from './credential-store.js';
import type { Grantor, Grantors } from './grantors.js';
import { newId, randomToken, sha256Hex } from './secrets.js';
import { TenantLimit } from './tenant-limit.js';

/** What the bucket holds: the public record plus the hash it is filed under and who granted it. */
export interface StoredApiKey extends ApiKey {
  kind: 'api_key';
  key_hash: string;
  grantor?: Grantor;
}

export interface ApiKeyOptions {
  /** Longest lifetime of a key; also applied at use to keys stored before the limit existed. */
  maxTtlDays: number;
  maxPerTenant: number;
}

const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;

const publicView = ({ kind: _kind, key_hash: _hash, grantor: _grantor, ...record }: StoredApiKey): ApiKey =>
  record;

export class ApiKeys {
  private readonly limit: TenantLimit;

  constructor(
    private readonly store: KvMirror<StoredApiKey>,
    private readonly grantors: Grantors,
    private readonly options: ApiKeyOptions,
  ) {
    this.limit = new TenantLimit('API keys', options.maxPerTenant, (tenant) => this.records(tenant).length);
  }

  async create(principal: Principal, body: CreateApiKeyBody): Promise<ApiKey & { key: string }> {
    const expiresAt = this.expiryFor(body.expires_at);
    return this.limit.reserve(principal.tenant_id, async () => {
      const key = `${API_KEY_PREFIX}${randomToken(32)}`;
      const record: StoredApiKey = {
        kind: 'api_key',
        id: newId('key'),
        tenant_id: principal.tenant_id,
        name: body.name,
        key_prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        roles: body.roles,
        expires_at: expiresAt,
        last_used_at: null,
        created_by: principal.sub,
        created_at: new Date().toISOString(),
        key_hash: await sha256Hex(key),
        grantor: await this.grantors.capture(principal),
      };
      await this.store.put(apiKeyRecordKey(record.key_hash), record);
      return { ...publicView(record), key };
    });
  }

  /** The tenant's keys that `visible` lets the caller see. */
  list(tenant: string, visible: (key: ApiKey) => boolean = () => true): ApiKey[] {
    return this.records(tenant)
      .sort((a, b) => a.created_at.localeCompare(b.created_at))
      .map(publicView)
      .filter(visible);
  }

  find(tenant: string, id: string): StoredApiKey {
    const record = this.records(tenant).find((k) => k.id === id);
    if (!record) throw notFound('API key', id);
    return record;
  }

  /** Removes the key; returns it and what it had created, so the caller can announce the revocation. */
  async revoke(tenant: string, id: string): Promise<{ key: ApiKey; dependents: string[] }> {
    const record = this.find(tenant, id);
    const recordKey = apiKeyRecordKey(record.key_hash);
    await this.store.delete(recordKey);
    await this.grantors.forget(tenant, record.grantor);
    const dependents = this.grantors.dependents(tenant, recordKey).map((c) => c.id);
    return { key: publicView(record), dependents };
  }

  async authenticate(key: string): Promise<Principal> {
    const record = key.startsWith(API_KEY_PREFIX)
      ? this.store.get(apiKeyRecordKey(await sha256Hex(key)))
      : undefined;
    if (!record) throw new ApiError('UNAUTHENTICATED', 'The API key is not valid', { reason: 'unknown_key' });
    const expiresAt = this.effectiveExpiry(record);
    if (expiresAt <= Date.now()) {
      throw new ApiError('UNAUTHENTICATED', 'The API key has expired', { reason: 'expired' });
    }
    const roles = this.grantors.effectiveRoles(record);
    if (roles.length === 0) {
      throw new ApiError('UNAUTHENTICATED', "The API key's creator no longer holds the roles it granted", {
        reason: 'grantor_rights_revoked',
      });
    }
    this.touch(record);
    return {
      sub: `apikey:${record.id}`,
      tenant_id: record.tenant_id,
      roles,
      credential: 'api_key',
      credential_id: record.id,
      expires_at: Math.floor(expiresAt / 1000),
      name: record.name,
    };
  }

  /** Keys of every tenant still valid at `now` that expire within `leadMs`, with their expiry. */
  expiringWithin(now: number, leadMs: number): { key: ApiKey; expiresAt: number }[] {
    return this.store
      .entries(API_KEY_PREFIX_IN_BUCKET)
      .map((record) => ({ key: publicView(record), expiresAt: this.effectiveExpiry(record) }))
      .filter(({ expiresAt }) => expiresAt > now && expiresAt - now <= leadMs);
  }

  private records(tenant: string): StoredApiKey[] {
    return this.store.entries(API_KEY_PREFIX_IN_BUCKET).filter((k) => k.tenant_id === tenant);
  }

  /** The requested expiry, checked against the maximum; the maximum itself when none is asked for. */
  private expiryFor(requested: string | undefined): string {
    const latest = Date.now() + this.options.maxTtlDays * DAY_MS;
    if (requested === undefined) return new Date(latest).toISOString();
    const at = Date.parse(requested);
    if (at <= Date.now()) {
      throw new ApiError('VALIDATION_ERROR', 'expires_at must be in the future', {
        field: 'expires_at',
        reason: 'in the past',
      });
    }
    if (at > latest) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `expires_at may be at most ${this.options.maxTtlDays} days ahead (${new Date(latest).toISOString()})`,
        { field: 'expires_at', reason: 'beyond the maximum key lifetime', max_days: this.options.maxTtlDays },
      );
    }
    return new Date(at).toISOString();
  }

  /** Keys stored without an expiry, or with a longer one than today's maximum, end at the maximum. */
  private effectiveExpiry(record: StoredApiKey): number {
    const cap = Date.parse(record.created_at) + this.options.maxTtlDays * DAY_MS;
    return record.expires_at ? Math.min(Date.parse(record.expires_at), cap) : cap;
  }

  /** Records use at most once a minute: a key used 1,000 times a second must not write 1,000 times. */
  private touch(record: StoredApiKey): void {
    const last = record.last_used_at ? Date.parse(record.last_used_at) : 0;
    if (Date.now() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    record.last_used_at = new Date().toISOString();
    void this.store.put(apiKeyRecordKey(record.key_hash), record).catch(() => {
      // Best effort: a lost last-used update must never fail an authentication.
    });
  }
}
