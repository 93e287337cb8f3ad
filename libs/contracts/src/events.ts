// Public events (spec §4.2–4.3): what backends publish to `idp.evt.*` and what WebSocket clients receive.
import Type, { type Static } from 'typebox';

/** The body any NATS publisher sends to a topic's subject (design.md §5, NATS-native publishing). */
export const PublishedEvent = Type.Object({
  event: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
  data: Type.Record(Type.String(), Type.Unknown()),
  timestamp: Type.Optional(Type.String({ format: 'date-time' })),
});
export type PublishedEvent = Static<typeof PublishedEvent>;

/** The event names the platform itself publishes. Other backends may publish others. */
export const PlatformEvents = {
  deploymentStarted: 'deployment_started',
  deploymentCompleted: 'deployment_completed',
  deploymentFailed: 'deployment_failed',
  statusChanged: 'status_changed',
  progressUpdated: 'progress_updated',
  operationCompleted: 'operation_completed',
  operationFailed: 'operation_failed',
  operationCancelled: 'operation_cancelled',
  healthCheckFailed: 'health_check_failed',
  healthCheckPassed: 'health_check_passed',
} as const;

export const DeploymentStartedData = Type.Object({
  application_id: Type.String(),
  deployment_id: Type.String(),
  version: Type.String(),
  stages: Type.Array(Type.String()),
});

export const ProgressUpdatedData = Type.Object({
  operation_id: Type.String(),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  current_stage: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  logs: Type.Array(Type.String()),
});

export const StatusChangedData = Type.Object({
  application_id: Type.Optional(Type.String()),
  resource_id: Type.Optional(Type.String()),
  status: Type.String(),
  previous_status: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const HealthCheckData = Type.Object({
  resource_id: Type.String(),
  resource_type: Type.String(),
  health_status: Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')]),
  error: Type.Optional(Type.String()),
  timestamp: Type.String({ format: 'date-time' }),
});
export type HealthCheckData = Static<typeof HealthCheckData>;

/** How an operation ended, as its initiator's notification says. */
export const OperationEndStatus = Type.Union([
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);
export type OperationEndStatus = Static<typeof OperationEndStatus>;

/**
 * `user:notifications` of an operation's initiator when it ends; the event is the same name as on the
 * operation's progress topic (`operation_completed`, `operation_failed`, `operation_cancelled`).
 */
export const OperationNotificationData = Type.Object({
  operation_id: Type.String(),
  /** The operation's kind (deploy, rollback, resource_create, …). */
  type: Type.String(),
  application_id: Type.Optional(Type.String()),
  resource_id: Type.Optional(Type.String()),
  status: OperationEndStatus,
  message: Type.String(),
});
export type OperationNotificationData = Static<typeof OperationNotificationData>;

/** The event names the auth service publishes (to a user's `user:notifications`). */
export const AuthEvents = {
  credentialExpiring: 'credential_expiring',
} as const;

/** `user:notifications` of a credential's creator, once, when it is about to expire. */
export const CredentialExpiringData = Type.Object({
  credential_id: Type.String(),
  credential_type: Type.Literal('api_key'),
  name: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
  message: Type.String(),
});
export type CredentialExpiringData = Static<typeof CredentialExpiringData>;
