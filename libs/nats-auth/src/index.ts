// @idp/nats-auth: NATS operator mode for the system (design.md §9): the permission table of every
// service user, the operator/account/user JWTs, tenant-scoped publisher credentials, and the setup
// directory that `npm run nats:setup`, `npm start` and the tests share.
export {
  type AccountLimitsOptions,
  encodeTrust,
  type IssueUserOptions,
  issueUserCreds,
  keyPair,
  newTrustSeeds,
  readCredsClaims,
  type TrustJwts,
  type TrustSeeds,
} from './credentials.js';
export { kvBucketAccess, kvStreamName, streamConsumerAccess } from './jetstream-access.js';
export { renderPermissionTable, TABLE_END, TABLE_START, withPermissionTable } from './permission-table.js';
export { renderServerConfig, type ServerConfigOptions } from './server-config.js';
export {
  SERVICE_PERMISSIONS,
  SERVICE_USERS,
  type ServiceUser,
  SYSTEM_STREAMS,
  tenantPublisherInbox,
  tenantPublisherPermissions,
  type UserPermissions,
} from './service-users.js';
export { type NatsSetup, type NatsSetupOptions, writeNatsSetup } from './setup-dir.js';
export {
  DEFAULT_PUBLISHER_TTL_S,
  issueTenantPublisherCreds,
  MAX_PUBLISHER_TTL_S,
} from './tenant-publisher.js';
