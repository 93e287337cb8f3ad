// Who may hand out a role, and who may manage a credential that holds roles: nobody can give a key or
// service account more than they hold themselves, nor see, revoke or issue tokens for one that holds more.
import type { Principal, RoleBinding } from '@idp/contracts';
import type { RoleCatalogue } from './evaluate.js';
import { permissionCovers } from './permissions.js';

export type GrantRefusal = {
  reason: 'unknown_role' | 'foreign_tenant' | 'missing_permission' | 'exceeds_own_permissions';
  binding: RoleBinding;
  /** For `missing_permission`: the management permission the caller lacks at the binding's scope. */
  permission?: string;
};

const isForeign = (principal: Principal, scope: string) =>
  scope.startsWith('tenant:') && scope !== `tenant:${principal.tenant_id}`;

/**
 * The permissions the caller holds at `scope`: its tenant-wide bindings always count, a team binding
 * only at exactly that team. So a team role never reaches the tenant scope or another team.
 */
export function permissionsAt(principal: Principal, catalogue: RoleCatalogue, scope: string): string[] {
  if (isForeign(principal, scope)) return [];
  return principal.roles
    .filter(
      (b) => b.scope === `tenant:${principal.tenant_id}` || (scope.startsWith('team:') && b.scope === scope),
    )
    .flatMap((b) => catalogue[b.role] ?? []);
}

const holds = (own: readonly string[], permission: string) =>
  own.some((granted) => permissionCovers(granted, permission));

/**
 * Could the caller hand out `binding`? Every permission of the role must be covered by the caller's own
 * permissions at that scope (the same role, or one whose permissions are a subset, at the same or a
 * broader scope). A role missing from the catalogue grants nothing, so it never exceeds anyone.
 */
function covers(principal: Principal, catalogue: RoleCatalogue, binding: RoleBinding): boolean {
  if (isForeign(principal, binding.scope)) return false;
  const own = permissionsAt(principal, catalogue, binding.scope);
  return (catalogue[binding.role] ?? []).every((permission) => holds(own, permission));
}

/**
 * Returns why the caller may not grant `binding`, or undefined when they may. With `action` (e.g.
 * `api_key:create`), the caller must also hold that permission at the binding's scope: a team admin
 * creates credentials for its team, not for the tenant.
 */
export function refuseGrant(
  principal: Principal,
  catalogue: RoleCatalogue,
  binding: RoleBinding,
  action?: string,
): GrantRefusal | undefined {
  if (!catalogue[binding.role]) return { reason: 'unknown_role', binding };
  if (isForeign(principal, binding.scope)) return { reason: 'foreign_tenant', binding };
  if (action && !holds(permissionsAt(principal, catalogue, binding.scope), action)) {
    return { reason: 'missing_permission', binding, permission: action };
  }
  return covers(principal, catalogue, binding) ? undefined : { reason: 'exceeds_own_permissions', binding };
}

/**
 * May the caller do `action` (e.g. `api_key:delete`) to a credential holding `bindings`? Only when it
 * holds `action` at every binding's scope and could grant every binding itself. This is what makes a
 * team admin see and revoke its own team's credentials and nothing tenant-wide.
 */
export function mayManage(
  principal: Principal,
  catalogue: RoleCatalogue,
  bindings: readonly RoleBinding[],
  action: string,
): boolean {
  return bindings.every(
    (binding) =>
      holds(permissionsAt(principal, catalogue, binding.scope), action) &&
      covers(principal, catalogue, binding),
  );
}

/**
 * The bindings of a credential that its grantor could still hand out today: what the credential keeps
 * when its creator has lost rights since it was issued.
 */
export function narrowToGrantor(
  bindings: readonly RoleBinding[],
  grantor: Principal,
  catalogue: RoleCatalogue,
): RoleBinding[] {
  return bindings.filter((binding) => covers(grantor, catalogue, binding));
}
