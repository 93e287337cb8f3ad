// Turns the claims of an enterprise identity provider's token into a principal, without custom claims:
// the subject and tenant come from configurable claim paths, roles from the platform's own `roles`
// claim when present and from a mapping of IdP groups (config/gateway.yaml `oidc:`). A token that
// maps to no tenant, or to several, is refused, never guessed.

import type { GatewayConfig } from '@idp/config';
import { type Principal, RoleBinding } from '@idp/contracts';
import type { JWTPayload } from 'jose';
import { Compile } from 'typebox/compile';
import { unauthenticated } from './claims.js';

export type OidcMapping = GatewayConfig['oidc'];

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;
const bindingCheck = Compile(RoleBinding);
const MAX_GROUPS = 1000;

/** A claim by its literal name first (URL-named claims contain dots), else by dot path. */
export function readClaim(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const strings = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string').slice(0, MAX_GROUPS)
    : [];
};

function tenantOf(claims: Record<string, unknown>, mapping: OidcMapping, groups: string[]): string {
  const claimed = readClaim(claims, mapping.tenant_claim);
  if (claimed !== undefined) {
    if (typeof claimed === 'string' && TENANT.test(claimed)) return claimed;
    throw unauthenticated(`The token's '${mapping.tenant_claim}' claim is not a tenant id`, 'invalid_claims');
  }
  const tenants = new Set(groups.map((g) => mapping.groups[g]?.tenant).filter((t) => t !== undefined));
  if (tenants.size === 1) return [...tenants][0]!;
  if (tenants.size > 1) {
    throw unauthenticated(
      `The token's groups belong to several tenants; add a '${mapping.tenant_claim}' claim`,
      'ambiguous_tenant',
    );
  }
  throw unauthenticated(
    `The token names no tenant: no '${mapping.tenant_claim}' claim and no group mapped to one`,
    'no_tenant',
  );
}

export function principalFromOidcClaims(payload: JWTPayload, mapping: OidcMapping): Principal {
  const claims = payload as Record<string, unknown>;
  const sub = readClaim(claims, mapping.subject_claim);
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) {
    throw unauthenticated(`The token has no usable '${mapping.subject_claim}' claim`, 'invalid_claims');
  }
  const rolesClaim = mapping.roles_claim === null ? undefined : readClaim(claims, mapping.roles_claim);
  // Group names, plus plain strings of the roles claim (app roles, as Azure AD issues them).
  const groups = [...strings(readClaim(claims, mapping.groups_claim)), ...strings(rolesClaim)];
  const tenant = tenantOf(claims, mapping, groups);

  const direct = Array.isArray(rolesClaim) ? rolesClaim.filter((r) => bindingCheck.Check(r)) : [];
  const mapped = groups.flatMap((g) => (mapping.groups[g]?.tenant === tenant ? mapping.groups[g].roles : []));
  const seen = new Set<string>();
  const roles = [...direct, ...mapped].filter((b) => {
    const key = `${b.role}@${b.scope}`;
    const keep = !seen.has(key) && (!b.scope.startsWith('tenant:') || b.scope === `tenant:${tenant}`);
    seen.add(key);
    return keep;
  });
  return {
    sub,
    tenant_id: tenant,
    roles: roles.slice(0, 64),
    credential: 'jwt',
    ...(payload.exp !== undefined ? { expires_at: payload.exp } : {}),
    ...(payload.iat !== undefined ? { issued_at: payload.iat } : {}),
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
  };
}
