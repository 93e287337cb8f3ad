import type { Principal } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { effectivePermissions, evaluate, isPermission, permissionCovers, refuseGrant } from './index.js';

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
  it('meets a wildcard requirement with any grant of that shape', () => {
    expect(permissionCovers('resource:database:read', 'resource:*:read')).toBe(true);
    expect(permissionCovers('resource:database:create', 'resource:*:read')).toBe(false);
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
