// The one place that decides whether a principal may do something (used by the edge for every route,
// by backends for each object, and by the realtime service for topics).
import type { Principal, RoleBinding, RouteDef } from '@idp/contracts';
import { permissionCovers, permissionOverlaps } from './permissions.js';

/** Role name → the permissions it grants. Configuration (config/gateway.yaml `roles:`). */
export type RoleCatalogue = Readonly<Record<string, readonly string[]>>;

/**
 * What the action touches. The default (no field) is the whole tenant: only a tenant-scoped binding
 * applies, because a team-scoped role must never satisfy a route that no team owns.
 */
export interface Target {
  /** The team that owns the object: tenant bindings and that team's bindings apply. */
  team_id?: string;
  /**
   * A first check for a route whose owner narrows every object to its team afterwards (routes with
   * `teamNarrowed` in the route table): a binding at any team may pass it.
   */
  anyTeam?: boolean;
  /** `*` in the requirement means "some value" (a list filtered item by item), not "every value". */
  anyOf?: boolean;
}

export interface Decision {
  allowed: boolean;
  /** The binding and grant that allowed it, for logs and debugging. */
  rule?: { role: string; scope: string; permission: string };
}

function bindingApplies(binding: RoleBinding, principal: Principal, target: Target): boolean {
  const separator = binding.scope.indexOf(':');
  const kind = binding.scope.slice(0, separator);
  const id = binding.scope.slice(separator + 1);
  if (kind === 'tenant') return id === principal.tenant_id;
  if (kind === 'team') return target.anyTeam === true || target.team_id === id;
  return false;
}

export function evaluate(
  principal: Principal,
  catalogue: RoleCatalogue,
  required: string,
  target: Target = {},
): Decision {
  const covers = target.anyOf ? permissionOverlaps : permissionCovers;
  for (const binding of principal.roles) {
    if (!bindingApplies(binding, principal, target)) continue;
    const grant = catalogue[binding.role]?.find((p) => covers(p, required));
    if (grant)
      return { allowed: true, rule: { role: binding.role, scope: binding.scope, permission: grant } };
  }
  return { allowed: false };
}

/**
 * The first check of a call to a route (the edge asks it, and a backend that re-checks asks the same):
 * tenant-wide unless the route's owner narrows every object to its team, "any of" where the route says
 * its wildcard means that. `permission` is the route's permission with `{type}` resolved.
 */
export function evaluateRoute(
  principal: Principal,
  catalogue: RoleCatalogue,
  route: Pick<RouteDef, 'narrowedByTeam' | 'permissionAnyOf'>,
  permission: string,
): Decision {
  return evaluate(principal, catalogue, permission, {
    anyTeam: route.narrowedByTeam === true,
    anyOf: route.permissionAnyOf === true,
  });
}

export interface EffectivePermissions {
  role: string;
  scope: string;
  permissions: readonly string[];
  /** False when the binding names another tenant or an unknown role: it grants nothing. */
  effective: boolean;
}

/** What `GET /users/me/permissions` shows: each binding with the permissions it grants. */
export function effectivePermissions(principal: Principal, catalogue: RoleCatalogue): EffectivePermissions[] {
  return principal.roles.map((binding) => {
    const permissions = catalogue[binding.role] ?? [];
    const inTenant =
      !binding.scope.startsWith('tenant:') || binding.scope === `tenant:${principal.tenant_id}`;
    return {
      role: binding.role,
      scope: binding.scope,
      permissions,
      effective: inTenant && permissions.length > 0,
    };
  });
}
