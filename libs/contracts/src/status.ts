// Platform status and metrics bodies (spec §3.2.3).
import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './common.js';

export const ComponentHealth = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** The services of the system (design.md §1); each registers as a NATS micro-service of this name. */
export const SYSTEM_SERVICES = ['edge', 'auth', 'ratelimit', 'realtime', 'platform'] as const;
export type SystemService = (typeof SYSTEM_SERVICES)[number];

/**
 * Subjects of service discovery. `$SRV.<verb>[.<name>[.<id>]]` is the NATS micro protocol's own; the
 * `load` endpoint exists so that `$SRV.STATS` carries an instance's load as the endpoint's `data` (the
 * protocol attaches custom stats to endpoints only). No NATS user may publish to `load`.
 */
export const DiscoverySubjects = {
  control: (verb: 'PING' | 'INFO' | 'STATS', service?: string, id?: string) =>
    ['$SRV', verb, service, service && id].filter(Boolean).join('.'),
  load: (service: string) => `idp.svc.${service}.load`,
} as const;

/** One instance's own figures (its `load` endpoint's stats): never numbers of one tenant. */
export const InstanceStats = Type.Object({
  id: Type.String(),
  version: Type.String(),
  started: Type.Optional(Timestamp),
  load: Type.Record(Type.String(), Type.Number()),
});
export type InstanceStats = Static<typeof InstanceStats>;

/**
 * One service as `$SRV.PING`/`$SRV.STATS` found it. Any caller sees health, instance count and
 * versions; instance ids and `stats` (the whole platform's traffic) only a platform operator.
 */
export const ServiceStatus = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')]),
  instances: Type.Object({
    count: Type.Integer({ minimum: 0 }),
    versions: Type.Array(Type.String()),
    ids: Type.Optional(Type.Array(Type.String())),
  }),
  stats: Type.Optional(Type.Array(InstanceStats)),
});
export type ServiceStatus = Static<typeof ServiceStatus>;

export const PlatformStatus = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]),
  components: Type.Record(Type.String(), ComponentHealth),
  /** Added with service discovery (optional, so replies of older platforms still validate). */
  services: Type.Optional(Type.Record(Type.String(), ServiceStatus)),
  checked_at: Timestamp,
});
export type PlatformStatus = Static<typeof PlatformStatus>;

export const ApplicationHealth = Type.Object({
  application_id: Id,
  status: Type.String(),
  health: Type.Union([
    Type.Literal('healthy'),
    Type.Literal('progressing'),
    Type.Literal('degraded'),
    Type.Literal('unknown'),
  ]),
  in_sync: Type.Boolean(),
  desired_version: Type.Union([Type.String(), Type.Null()]),
  actual_version: Type.Union([Type.String(), Type.Null()]),
  replicas: Type.Object({ desired: Type.Integer(), ready: Type.Integer() }),
  active_operation_id: Type.Union([Id, Type.Null()]),
  checked_at: Timestamp,
});
export type ApplicationHealth = Static<typeof ApplicationHealth>;

const Counts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));

export const PlatformMetrics = Type.Object({
  applications: Type.Object({ total: Type.Integer(), by_status: Counts }),
  resources: Type.Object({ total: Type.Integer(), by_type: Counts, by_status: Counts }),
  operations: Type.Object({
    total: Type.Integer(),
    by_status: Counts,
    by_kind: Counts,
    success_rate: Type.Union([Type.Number(), Type.Null()]),
    average_duration_ms: Type.Union([Type.Number(), Type.Null()]),
  }),
  teams: Type.Object({ total: Type.Integer() }),
  generated_at: Timestamp,
});
export type PlatformMetrics = Static<typeof PlatformMetrics>;
