// Turns a request's credential into a principal. Positive decisions are cached for a short TTL keyed
// by a hash of the credential (never the credential itself), so a client's steady stream of requests
// costs no NATS round trip to the auth service; a cached entry never outlives the token's own `exp`.
import { hash } from 'node:crypto';
import {
  ApiError,
  ControlSubjects,
  type Principal,
  type RevocationNotice,
  RpcSubjects,
} from '@idp/contracts';
import { callRpc, decodeJson, type RequestContext } from '@idp/nats';
import type { GroupBreaker } from '@idp/resilience';
import type { NatsConnection } from '@nats-io/transport-node';

export interface AuthGateOptions {
  ttlMs: number;
  timeoutMs: number;
  maxEntries?: number;
  /**
   * The `auth` group's breaker: with the auth service down, a request whose credential is not cached
   * is refused at once (503 + Retry-After) instead of each one waiting for its own timeout.
   */
  breaker?: Pick<GroupBreaker, 'run'>;
  /** Told of every cache lookup, for the edge's auth-cache hit ratio. */
  onCacheLookup?: (result: 'hit' | 'miss' | 'expired') => void;
}

interface CacheEntry {
  principal: Principal;
  expiresAt: number;
}

export interface Credential {
  bearer?: string;
  api_key?: string;
}

/** Reads the credential from the headers; a malformed Authorization header is a 401, not a guess. */
export function credentialFrom(headers: Record<string, string | string[] | undefined>): Credential {
  const authorization = headers.authorization;
  const apiKey = headers['x-api-key'];
  if (typeof authorization === 'string') {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
    if (!match) {
      throw new ApiError('UNAUTHENTICATED', "The Authorization header must be 'Bearer <token>'", {
        reason: 'malformed',
      });
    }
    return { bearer: match[1]! };
  }
  if (typeof apiKey === 'string' && apiKey.length > 0) return { api_key: apiKey };
  throw new ApiError('UNAUTHENTICATED', 'Authentication is required: send Authorization: Bearer <token>', {
    reason: 'missing',
  });
}

export function createAuthGate(nc: NatsConnection, options: AuthGateOptions) {
  const cache = new Map<string, CacheEntry>();
  const maxEntries = options.maxEntries ?? 10_000;
  const revocations = watchRevocations(
    nc,
    (notice) => {
      for (const [key, entry] of cache) {
        const p = entry.principal;
        if (
          (notice.credential_id && p.credential_id === notice.credential_id) ||
          (notice.token_id && p.token_id === notice.token_id)
        ) {
          cache.delete(key);
        }
      }
    },
    () => cache.clear(),
  );

  async function authenticate(credential: Credential, context: RequestContext): Promise<Principal> {
    const key = cacheKey(credential);
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now) {
      options.onCacheLookup?.('hit');
      return hit.principal;
    }
    options.onCacheLookup?.(hit ? 'expired' : 'miss');
    if (hit) cache.delete(key);

    const ask = () =>
      callRpc(nc, RpcSubjects.authenticate, credential, { timeoutMs: options.timeoutMs, context });
    const reply = await (options.breaker ? options.breaker.run(ask) : ask());
    const principal = reply.data as Principal;
    if (options.ttlMs > 0) remember(key, principal, now);
    return principal;
  }

  function remember(key: string, principal: Principal, now: number) {
    const tokenExpiry = principal.expires_at ? principal.expires_at * 1000 : Number.POSITIVE_INFINITY;
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, { principal, expiresAt: Math.min(now + options.ttlMs, tokenExpiry) });
  }

  return {
    authenticate,
    clear: () => cache.clear(),
    size: () => cache.size,
    close: () => revocations.unsubscribe(),
  };
}

/**
 * Drops cached decisions the moment the auth service announces a revocation. Notices travel on core
 * NATS, so one sent while this edge was disconnected is lost: after any reconnect the whole cache is
 * dropped instead, and every credential is checked afresh.
 */
function watchRevocations(
  nc: NatsConnection,
  onNotice: (notice: RevocationNotice) => void,
  onReconnect: () => void,
) {
  const subscription = nc.subscribe(ControlSubjects.credentialRevoked, {
    callback: (_error, msg) => {
      try {
        onNotice(decodeJson(msg.data) as RevocationNotice);
      } catch {
        onReconnect(); // an unreadable notice: be safe and forget everything
      }
    },
  });
  void (async () => {
    for await (const status of nc.status()) if (status.type === 'reconnect') onReconnect();
  })();
  return subscription;
}

/**
 * The credential's SHA-256, so the cache never holds a usable credential. Synchronous node:crypto on
 * purpose: WebCrypto's digest is a thread-pool round trip per call, and this runs on every request;
 * the one-shot `hash` costs half of `createHash(…).update(…).digest(…)`.
 */
function cacheKey(credential: Credential): string {
  const material = credential.bearer ? `b:${credential.bearer}` : `k:${credential.api_key}`;
  return hash('sha256', material, 'base64url');
}
