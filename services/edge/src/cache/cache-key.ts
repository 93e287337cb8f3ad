// The key of a cached read. It holds everything the platform's answer depends on: the tenant, the
// caller's visibility and the request. Visibility is the principal's subject, credential and role
// bindings (the platform narrows lists and objects by them): two callers share an entry only when
// they are the same principal with the same roles, so nothing leaks across tenants, teams or roles.
// Keying on the subject too costs hit ratio across users of equal roles, and buys certainty that no
// rule of the platform keyed on the caller (now or later) can leak through the cache.
import { type Principal, subjectToken } from '@idp/contracts';
import type { ValidatedInput } from '../request-validation.js';

const SEPARATOR = '\u0000';

/** The tenant as it appears in subjects of the change feed (`idp.chg.<tenant>.…`). */
export const tenantKey = (principal: Pick<Principal, 'tenant_id'>): string =>
  subjectToken(principal.tenant_id);

export function visibilityKey(principal: Principal): string {
  const roles = principal.roles.map((binding) => `${binding.role}@${binding.scope}`).sort();
  return JSON.stringify([principal.sub, principal.credential, principal.credential_id ?? '', roles]);
}

/**
 * The caller's part of every key, once per principal object: the auth cache hands out the same
 * (never modified) object for a credential until it expires, so a steady client costs no work here.
 */
const callerParts = new WeakMap<Principal, string>();

function callerPart(principal: Principal): string {
  let part = callerParts.get(principal);
  if (part === undefined) {
    part = `${tenantKey(principal)}${SEPARATOR}${visibilityKey(principal)}`;
    callerParts.set(principal, part);
  }
  return part;
}

export function cacheKey(routeName: string, principal: Principal, input: ValidatedInput): string {
  return [callerPart(principal), routeName, canonicalJson(input.params), canonicalJson(input.query)].join(
    SEPARATOR,
  );
}

/** JSON with keys sorted, so `?page=2&per_page=10` and `?per_page=10&page=2` share an entry. */
function canonicalJson(value: Record<string, unknown>): string {
  const keys = Object.keys(value).sort();
  return JSON.stringify(keys.map((key) => [key, value[key]]));
}
