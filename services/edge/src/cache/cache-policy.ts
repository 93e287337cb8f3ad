// Which reads the edge caches and how HTTP's validators apply to them (RFC 9110 §13, RFC 9111 §5.2).
import { createHash } from 'node:crypto';
import type { RouteDef } from '@idp/contracts';

/**
 * The read-heavy GETs of the platform whose answers depend only on the read model (the event store's
 * projection), so the change feed announces every change of them. Left out on purpose: `/status`
 * (instances' health changes with no append), `/metrics` and `/quotas` (counters over the whole
 * tenant, cheap to recompute, rarely polled), `/users/me` (a profile, read once per session) and
 * every route of the auth service (its changes are not on the feed).
 */
export const CACHEABLE_ROUTES: ReadonlySet<string> = new Set([
  'applications.list',
  'applications.get',
  'applications.desiredState.get',
  'applications.actualState.get',
  'applications.diff',
  'resources.list',
  'resources.listByType',
  'resources.get',
  'operations.list',
  'operations.get',
  'operations.logs',
  'status.application',
  'teams.list',
  'teams.get',
  'teams.members.list',
  'teams.applications.list',
]);

export const isCacheable = (route: Pick<RouteDef, 'name' | 'method'>): boolean =>
  route.method === 'GET' && CACHEABLE_ROUTES.has(route.name);

/** A write to the platform: it may change any cached read of the caller's tenant. */
export const isPlatformWrite = (route: Pick<RouteDef, 'method' | 'service'>): boolean =>
  route.method !== 'GET' && (route.service ?? 'platform') === 'platform';

/**
 * `Cache-Control: no-cache` (or `no-store`, or `max-age=0`) on the request: the caller wants what the
 * backend says now, so the cache is skipped. The fresh answer still replaces the entry (no-store
 * excepted), so the next plain read gets it too.
 */
export function requestDirectives(header: string | string[] | undefined): {
  bypass: boolean;
  store: boolean;
} {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  if (value === '') return { bypass: false, store: true };
  const directives = value
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  const noStore = directives.includes('no-store');
  const bypass = noStore || directives.includes('no-cache') || directives.includes('max-age=0');
  return { bypass, store: !noStore };
}

/**
 * The entity tag of an answer: the object's version when the backend sends one (the value `If-Match`
 * takes on writes, so it must stay that), else a digest of the answer, so lists get one too.
 */
export function entityTag(backendEtag: string | undefined, dataJson: string, paginationJson?: string) {
  if (backendEtag !== undefined) return backendEtag;
  const digest = createHash('sha256').update(dataJson);
  if (paginationJson) digest.update('\u0000').update(paginationJson);
  return `h-${digest.digest('base64url').slice(0, 27)}`;
}

/** `If-None-Match` holds the current tag (weak comparison, as RFC 9110 §13.1.2 asks), or is `*`. */
export function matchesIfNoneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  return value.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === `"${etag}"` || tag === etag;
  });
}
