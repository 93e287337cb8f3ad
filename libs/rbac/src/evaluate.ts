// The one place that decides whether a principal may do something (used by the edge for every route).
import type { Principal, RoleBinding } from '@idp/contracts';
import { permissionCovers } from './permissions.js';

/** Role name → the permissions it grants. Configuration (config/gateway.yaml `roles:`). */
export type RoleCatalogue = Readonly<Record<string, readonly string[]>>;

/** What the action touches; unknown fields mean "anywhere in the caller's tenant". */
export interface Target {
  team_id?: string;
}

export interface Decision {
  allowed: boolean;
  /** The binding and grant that allowed it, for logs and debugging. */
  rule?: { role: string; scope: string; permission: string };
}

function bindingApplies(binding: RoleBinding, principal: Principal, target: Target): boolean {
  const [kind, id] = binding.scope.split(':') as ['tenant' | 'team', string];
  if (kind === 'tenant') return id === principal.tenant_id;
  // A team binding applies to that team's objects; with no known team it allows the attempt and
  // the owner of the object narrows it.
  return target.team_id === undefined || target.team_id === id;
}

export function evaluate(
  principal: Principal,
  catalogue: RoleCatalogue,
  required: string,
  target: Target = {},
): Decision {
  for (const binding of principal.roles) {
    if (!bindingApplies(binding, principal, target)) continue;
    const grant = catalogue[binding.role]?.find((p) => permissionCovers(p, required));
    if (grant)
      return { allowed: true, rule: { role: binding.role, scope: binding.scope, permission: grant } };
  }
  return { allowed: false };
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
