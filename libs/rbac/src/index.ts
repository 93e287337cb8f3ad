// @idp/rbac: pure role-based access evaluation, shared by the edge, the backends and the realtime service.
export {
  type Decision,
  type EffectivePermissions,
  effectivePermissions,
  evaluate,
  evaluateRoute,
  type RoleCatalogue,
  type Target,
} from './evaluate.js';
export { type GrantRefusal, mayManage, narrowToGrantor, permissionsAt, refuseGrant } from './grant.js';
export { isPermission, permissionCovers, permissionOverlaps, specialise } from './permissions.js';
