// API keys (spec §5.1): shown once at creation, stored only as a SHA-256 hash, bound to one tenant
// and a set of roles, with optional expiry and a last-used time.
import {
  API_KEY_PREFIX,
  ApiError,
  type ApiKey,
  type CreateApiKeyBody,
  notFound,
  type Principal,
} from '@idp/contracts';
import type { KvMirror } from './credential-store.js';
import { newId, randomToken, sha256Hex } from './secrets.js';

/** What the bucket holds: the public record plus the hash it is filed under. */
export interface StoredApiKey extends ApiKey {
  kind: 'api_key';
  key_hash: string;
}

const byHash = (hash: string) => `apikey.${hash}`;
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

const publicView = ({ kind: _kind, key_hash: _hash, ...record }: StoredApiKey): ApiKey => record;

export class ApiKeys {
  constructor(private readonly store: KvMirror<StoredApiKey>) {}

  async create(principal: Principal, body: CreateApiKeyBody): Promise<ApiKey & { key: string }> {
    if (body.expires_at && Date.parse(body.expires_at) <= Date.now()) {
      throw new ApiError('VALIDATION_ERROR', 'expires_at must be in the future', {
        field: 'expires_at',
        reason: 'in the past',
      });
    }
    const key = `${API_KEY_PREFIX}${randomToken(32)}`;
    const record: StoredApiKey = {
      kind: 'api_key',
      id: newId('key'),
      tenant_id: principal.tenant_id,
      name: body.name,
      key_prefix: key.slice(0, API_KEY_PREFIX.length + 6),
      roles: body.roles,
      expires_at: body.expires_at ?? null,
      last_used_at: null,
      created_by: principal.sub,
      created_at: new Date().toISOString(),
      key_hash: await sha256Hex(key),
    };
    await this.store.put(byHash(record.key_hash), record);
    return { ...publicView(record), key };
  }

  list(tenant: string): ApiKey[] {
    return this.store
      .entries('apikey.')
      .filter((k) => k.tenant_id === tenant)
      .sort((a, b) => a.created_at.localeCompare(b.created_at))
      .map(publicView);
  }

  /** Removes the key; returns it so the caller can announce the revocation. */
  async revoke(tenant: string, id: string): Promise<ApiKey> {
    const record = this.store.entries('apikey.').find((k) => k.tenant_id === tenant && k.id === id);
    if (!record) throw notFound('API key', id);
    await this.store.delete(byHash(record.key_hash));
    return publicView(record);
  }

  async authenticate(key: string): Promise<Principal> {
    const record = key.startsWith(API_KEY_PREFIX) ? this.store.get(byHash(await sha256Hex(key))) : undefined;
    if (!record) throw new ApiError('UNAUTHENTICATED', 'The API key is not valid', { reason: 'unknown_key' });
    if (record.expires_at && Date.parse(record.expires_at) <= Date.now()) {
      throw new ApiError('UNAUTHENTICATED', 'The API key has expired', { reason: 'expired' });
    }
    this.touch(record);
    return {
      sub: `apikey:${record.id}`,
      tenant_id: record.tenant_id,
      roles: record.roles,
      credential: 'api_key',
      credential_id: record.id,
      ...(record.expires_at ? { expires_at: Math.floor(Date.parse(record.expires_at) / 1000) } : {}),
      name: record.name,
    };
  }

  /** Records use at most once a minute: a key used 1,000 times a second must not write 1,000 times. */
  private touch(record: StoredApiKey): void {
    const last = record.last_used_at ? Date.parse(record.last_used_at) : 0;
    if (Date.now() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    record.last_used_at = new Date().toISOString();
    void this.store.put(byHash(record.key_hash), record).catch(() => {
      // Best effort: a lost last-used update must never fail an authentication.
    });
  }
}
