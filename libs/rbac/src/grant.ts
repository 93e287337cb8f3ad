// Who may hand out a role: nobody can give a key or service account more than they hold themselves.
import type { Principal, RoleBinding } from '@idp/contracts';
import type { RoleCatalogue } from './evaluate.js';
import { permissionCovers } from './permissions.js';

export type GrantRefusal = {
  reason: 'unknown_role' | 'foreign_tenant' | 'exceeds_own_permissions';
  binding: RoleBinding;
};

/** Bindings of the caller that count at `scope`: tenant-wide ones always, team ones only for that team. */
function bindingsCovering(principal: Principal, scope: string): RoleBinding[] {
  return principal.roles.filter(
    (b) => b.scope === `tenant:${principal.tenant_id}` || (scope.startsWith('team:') && b.scope === scope),
  );
}

/** Returns why the caller may not grant `binding`, or undefined when they may. */
export function refuseGrant(
  principal: Principal,
  catalogue: RoleCatalogue,
  binding: RoleBinding,
): GrantRefusal | undefined {
  const wanted = catalogue[binding.role];
  if (!wanted) return { reason: 'unknown_role', binding };
  if (binding.scope.startsWith('tenant:') && binding.scope !== `tenant:${principal.tenant_id}`) {
    return { reason: 'foreign_tenant', binding };
  }
  const own = bindingsCovering(principal, binding.scope).flatMap((b) => catalogue[b.role] ?? []);
  const covered = wanted.every((permission) =>
    own.some((granted) => permissionCovers(granted, permission) && !isBroader(permission, granted)),
  );
  return covered ? undefined : { reason: 'exceeds_own_permissions', binding };
}

/** `*` in a wanted permission means "everything": only a grant with `*` at that place covers it. */
function isBroader(wanted: string, granted: string): boolean {
  const w = wanted.split(':');
  const g = granted.split(':');
  if (w.length !== g.length) return w.includes('*') && !g.every((s) => s === '*');
  return w.some((segment, i) => segment === '*' && g[i] !== '*');
}
