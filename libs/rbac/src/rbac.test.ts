import type { Principal } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import {
  effectivePermissions,
  evaluate,
  isPermission,
  mayManage,
  narrowToGrantor,
  permissionCovers,
  permissionOverlaps,
  refuseGrant,
  specialise,
} from './index.js';

const catalogue = {
  viewer: ['application:read', 'resource:*:read'],
  developer: ['application:read', 'application:create', 'resource:database:read'],
  admin: ['*:*'],
};
const principal = (roles: Principal['roles']): Principal => ({
  sub: 'u1',
  tenant_id: 't1',
  roles,
  credential: 'jwt',
});

describe('permissionCovers', () => {
  it('matches exact two- and three-segment permissions', () => {
    expect(permissionCovers('application:read', 'application:read')).toBe(true);
    expect(permissionCovers('resource:database:read', 'resource:database:read')).toBe(true);
    expect(permissionCovers('resource:database:read', 'resource:cache:read')).toBe(false);
  });
  it('lets *:* cover everything and a two-segment grant cover every type', () => {
    expect(permissionCovers('*:*', 'resource:database:delete')).toBe(true);
    expect(permissionCovers('resource:read', 'resource:cache:read')).toBe(true);
    expect(permissionCovers('application:read', 'application:update')).toBe(false);
  });
  it('meets a wildcard requirement only with a wildcard grant (one type is not every type)', () => {
    expect(permissionCovers('resource:database:read', 'resource:*:read')).toBe(false);
    expect(permissionCovers('resource:*:read', 'resource:*:read')).toBe(true);
    expect(permissionCovers('resource:read', 'resource:*:read')).toBe(true);
    expect(permissionCovers('*:*', 'resource:*:read')).toBe(true);
  });
  it('meets an "any of" requirement with a grant of one matching value', () => {
    expect(permissionOverlaps('resource:database:read', 'resource:*:read')).toBe(true);
    expect(permissionOverlaps('resource:database:create', 'resource:*:read')).toBe(false);
  });
  it('specialises a wildcard requirement to one item’s type', () => {
    expect(specialise('resource:*:read', 'cache')).toBe('resource:cache:read');
  });
  it('recognises well-formed permissions', () => {
    expect(isPermission('resource:database:read')).toBe(true);
    expect(isPermission('*:*')).toBe(true);
    expect(isPermission('read')).toBe(false);
  });
});

describe('evaluate', () => {
  it('allows through a tenant binding of the caller’s own tenant and records the rule', () => {
    const d = evaluate(principal([{ role: 'viewer', scope: 'tenant:t1' }]), catalogue, 'application:read');
    expect(d).toEqual({
      allowed: true,
      rule: { role: 'viewer', scope: 'tenant:t1', permission: 'application:read' },
    });
  });
  it('ignores a binding scoped to another tenant', () => {
    expect(
      evaluate(principal([{ role: 'admin', scope: 'tenant:t2' }]), catalogue, 'application:read').allowed,
    ).toBe(false);
  });
  it('applies a team binding only to that team’s objects', () => {
    const p = principal([{ role: 'developer', scope: 'team:frontend' }]);
    expect(evaluate(p, catalogue, 'application:create', { team_id: 'frontend' }).allowed).toBe(true);
    expect(evaluate(p, catalogue, 'application:create', { team_id: 'backend' }).allowed).toBe(false);
  });
  it('never lets a team binding satisfy a check with no team (a tenant-wide route)', () => {
    const p = principal([{ role: 'admin', scope: 'team:web' }]);
    expect(evaluate(p, catalogue, 'api_key:create').allowed).toBe(false);
    expect(evaluate(p, catalogue, 'metrics:read').allowed).toBe(false);
    expect(evaluate(p, catalogue, 'api_key:create', { team_id: 'web' }).allowed).toBe(true);
  });
  it('lets any team binding pass the first check of a route whose owner narrows by team', () => {
    const p = principal([{ role: 'developer', scope: 'team:web' }]);
    expect(evaluate(p, catalogue, 'application:create', { anyTeam: true }).allowed).toBe(true);
    expect(evaluate(p, catalogue, 'application:delete', { anyTeam: true }).allowed).toBe(false);
  });
  it('meets a wildcard requirement with one type only when the check means "any of"', () => {
    const p = principal([{ role: 'developer', scope: 'tenant:t1' }]);
    expect(evaluate(p, catalogue, 'resource:*:read').allowed).toBe(false);
    expect(evaluate(p, catalogue, 'resource:*:read', { anyOf: true }).allowed).toBe(true);
    const viewer = principal([{ role: 'viewer', scope: 'tenant:t1' }]);
    expect(evaluate(viewer, catalogue, 'resource:*:read').allowed).toBe(true);
  });
  it('denies by default: unknown roles and missing grants', () => {
    expect(
      evaluate(principal([{ role: 'ghost', scope: 'tenant:t1' }]), catalogue, 'application:read').allowed,
    ).toBe(false);
    expect(
      evaluate(principal([{ role: 'viewer', scope: 'tenant:t1' }]), catalogue, 'application:create').allowed,
    ).toBe(false);
  });
  it('lists effective permissions per binding', () => {
    const list = effectivePermissions(
      principal([
        { role: 'viewer', scope: 'tenant:t1' },
        { role: 'admin', scope: 'tenant:t9' },
      ]),
      catalogue,
    );
    expect(list.map((b) => b.effective)).toEqual([true, false]);
  });
});

describe('refuseGrant', () => {
  const admin = principal([{ role: 'admin', scope: 'tenant:t1' }]);
  const teamDev = principal([{ role: 'developer', scope: 'team:web' }]);
  it('lets a tenant admin grant any catalogued role in its tenant', () => {
    expect(refuseGrant(admin, catalogue, { role: 'developer', scope: 'team:api' })).toBeUndefined();
    expect(refuseGrant(admin, catalogue, { role: 'admin', scope: 'tenant:t1' })).toBeUndefined();
  });
  it('refuses unknown roles and other tenants', () => {
    expect(refuseGrant(admin, catalogue, { role: 'root', scope: 'tenant:t1' })?.reason).toBe('unknown_role');
    expect(refuseGrant(admin, catalogue, { role: 'viewer', scope: 'tenant:t2' })?.reason).toBe(
      'foreign_tenant',
    );
  });
  it('refuses more than the caller holds at that scope', () => {
    expect(refuseGrant(teamDev, catalogue, { role: 'developer', scope: 'team:web' })).toBeUndefined();
    expect(refuseGrant(teamDev, catalogue, { role: 'developer', scope: 'team:api' })?.reason).toBe(
      'exceeds_own_permissions',
    );
    expect(refuseGrant(teamDev, catalogue, { role: 'developer', scope: 'tenant:t1' })?.reason).toBe(
      'exceeds_own_permissions',
    );
    expect(refuseGrant(teamDev, catalogue, { role: 'admin', scope: 'team:web' })?.reason).toBe(
      'exceeds_own_permissions',
    );
  });
});

describe('grants limited to the granter', () => {
  const cat = {
    ...catalogue,
    keyadmin: ['api_key:read', 'api_key:create', 'api_key:delete', 'application:read'],
  };
  const teamAdmin = principal([{ role: 'admin', scope: 'team:web' }]);
  const tenantAdmin = principal([{ role: 'admin', scope: 'tenant:t1' }]);

  it('needs the management permission at the scope of each requested binding', () => {
    expect(refuseGrant(teamAdmin, cat, { role: 'developer', scope: 'team:web' }, 'api_key:create')).toBe(
      undefined,
    );
    expect(refuseGrant(teamAdmin, cat, { role: 'viewer', scope: 'tenant:t1' }, 'api_key:create')).toEqual({
      reason: 'missing_permission',
      binding: { role: 'viewer', scope: 'tenant:t1' },
      permission: 'api_key:create',
    });
    const mixed = principal([
      { role: 'keyadmin', scope: 'team:web' },
      { role: 'viewer', scope: 'tenant:t1' },
    ]);
    expect(refuseGrant(mixed, cat, { role: 'viewer', scope: 'tenant:t1' }, 'api_key:create')?.reason).toBe(
      'missing_permission',
    );
  });
  it('lets a team admin manage only credentials it could grant', () => {
    const own = [{ role: 'developer', scope: 'team:web' }];
    const tenantWide = [{ role: 'admin', scope: 'tenant:t1' }];
    const otherTeam = [{ role: 'viewer', scope: 'team:api' }];
    expect(mayManage(teamAdmin, cat, own, 'api_key:delete')).toBe(true);
    expect(mayManage(teamAdmin, cat, tenantWide, 'api_key:delete')).toBe(false);
    expect(mayManage(teamAdmin, cat, otherTeam, 'api_key:read')).toBe(false);
    expect(mayManage(teamAdmin, cat, [...own, ...otherTeam], 'api_key:read')).toBe(false);
    expect(mayManage(tenantAdmin, cat, [...tenantWide, ...otherTeam], 'api_key:delete')).toBe(true);
  });
  it('never blocks management on a role that was removed from the catalogue', () => {
    expect(mayManage(tenantAdmin, cat, [{ role: 'retired', scope: 'tenant:t1' }], 'api_key:delete')).toBe(
      true,
    );
  });
  it('narrows a credential to what its grantor can still grant', () => {
    const bindings = [
      { role: 'admin', scope: 'tenant:t1' },
      { role: 'viewer', scope: 'team:web' },
    ];
    expect(narrowToGrantor(bindings, tenantAdmin, cat)).toEqual(bindings);
    expect(narrowToGrantor(bindings, principal([{ role: 'viewer', scope: 'tenant:t1' }]), cat)).toEqual([
      { role: 'viewer', scope: 'team:web' },
    ]);
    expect(narrowToGrantor(bindings, principal([]), cat)).toEqual([]);
  });
});
