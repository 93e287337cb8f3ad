// What one caller may see of the services discovery found: any authenticated caller gets each
// service's health, instance count and versions; only a platform operator gets instance ids and their
// load (those describe the whole platform's traffic, every tenant's together).
import type { PlatformStatus, RpcRequest, ServiceStatus } from '@idp/contracts';
import { evaluate, type RoleCatalogue } from '@idp/rbac';
import type { DiscoveredInstance } from '@idp/service-kit';
import type { ServiceInstances } from './service-directory.js';

/**
 * No role of the catalogue is platform-wide (every binding names one tenant or team), so a platform
 * operator is a caller of the configured operator tenant (IDP_STATUS_OPERATOR_TENANT) who holds
 * `metrics:read` tenant-wide. Without that setting nobody is: operators then use `nats micro stats`
 * with their own NATS credentials, or the probe ports' metrics.
 */
export function isPlatformOperator(
  req: RpcRequest,
  roles: RoleCatalogue,
  operatorTenant: string | undefined,
): boolean {
  if (!operatorTenant || req.principal.tenant_id !== operatorTenant) return false;
  return evaluate(req.principal, roles, 'metrics:read').allowed;
}

const unique = (values: string[]) => [...new Set(values)].sort();

export function serviceStatus(instances: DiscoveredInstance[], operator: boolean): ServiceStatus {
  const view: ServiceStatus = {
    status: instances.length > 0 ? 'healthy' : 'unhealthy',
    instances: { count: instances.length, versions: unique(instances.map((i) => i.version)) },
  };
  if (!operator) return view;
  view.instances.ids = instances.map((i) => i.instance);
  view.stats = instances.map((i) => ({
    id: i.instance,
    version: i.version,
    ...(i.started && { started: i.started }),
    load: i.load ?? {},
  }));
  return view;
}

export function servicesView(found: ServiceInstances, operator: boolean): PlatformStatus['services'] {
  return Object.fromEntries(
    Object.entries(found).map(([name, instances]) => [name, serviceStatus(instances, operator)]),
  );
}
