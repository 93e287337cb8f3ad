// @idp/rbac: pure role-based access evaluation, shared by the edge and the realtime service.
export {
  type Decision,
  type EffectivePermissions,
  effectivePermissions,
  evaluate,
  type RoleCatalogue,
  type Target,
} from './evaluate.js';
export { type GrantRefusal, refuseGrant } from './grant.js';
export { isPermission, permissionCovers } from './permissions.js';
