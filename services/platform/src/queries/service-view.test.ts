import type { Principal, RpcRequest } from '@idp/contracts';
import type { DiscoveredInstance } from '@idp/service-kit';
import { describe, expect, it } from 'vitest';
import { isPlatformOperator, serviceStatus } from './service-view.js';

const roles = { viewer: ['metrics:read'], developer: ['application:read'], admin: ['*:*'] };
const request = (tenant: string, role: string, scope = `tenant:${tenant}`): RpcRequest => ({
  principal: { sub: 'u1', tenant_id: tenant, roles: [{ role, scope }], credential: 'jwt' } as Principal,
  params: {},
  query: {},
  permission: 'authenticated',
});
const instance = (id: string, version: string, load: Record<string, number>): DiscoveredInstance => ({
  id: `nuid-${id}`,
  instance: id,
  version,
  metadata: { instance: id },
  started: '2026-11-27T00:00:00.000Z',
  load,
});

describe('what a caller sees of the discovered services', () => {
  it('shows any caller health, instance count and versions, and nothing of the traffic', () => {
    const view = serviceStatus(
      [instance('p1', '0.1.0', { ops: 3 }), instance('p2', '0.2.0', { ops: 4 })],
      false,
    );
    expect(view).toEqual({ status: 'healthy', instances: { count: 2, versions: ['0.1.0', '0.2.0'] } });
  });

  it('shows an operator each instance and its load', () => {
    const view = serviceStatus([instance('p1', '0.1.0', { ops: 3 })], true);
    expect(view.instances.ids).toEqual(['p1']);
    expect(view.stats).toEqual([
      { id: 'p1', version: '0.1.0', started: '2026-11-27T00:00:00.000Z', load: { ops: 3 } },
    ]);
  });

  it('calls a service with no live instance unhealthy', () => {
    expect(serviceStatus([], false)).toEqual({ status: 'unhealthy', instances: { count: 0, versions: [] } });
  });

  it('takes as operator only a caller of the operator tenant holding metrics:read tenant-wide', () => {
    expect(isPlatformOperator(request('ops', 'viewer'), roles, 'ops')).toBe(true);
    expect(isPlatformOperator(request('ops', 'admin'), roles, 'ops')).toBe(true);
    expect(isPlatformOperator(request('ops', 'developer'), roles, 'ops')).toBe(false);
    expect(isPlatformOperator(request('ops', 'viewer', 'team:sre'), roles, 'ops')).toBe(false);
    expect(isPlatformOperator(request('acme', 'admin'), roles, 'ops')).toBe(false);
    expect(isPlatformOperator(request('ops', 'admin'), roles, undefined)).toBe(false);
  });
});
