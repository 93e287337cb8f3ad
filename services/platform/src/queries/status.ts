// Platform health, one application's health, and the tenant's platform metrics, each limited to what
// the caller may see.
import {
  type ApplicationHealth,
  type PlatformMetrics,
  type PlatformStatus,
  type RpcRequest,
  Streams,
} from '@idp/contracts';
import { teamAllows } from '../access.js';
import { loadApp } from '../commands/applications.js';
import type { Deps } from '../deps.js';
import { diffStates } from '../diff.js';
import { type Handler, ok, tenantOf } from '../handler-kit.js';
import { serviceDirectory } from './service-directory.js';
import { isPlatformOperator, servicesView } from './service-view.js';

type Health = PlatformStatus['status'];
const WORST: Health[] = ['unhealthy', 'degraded', 'healthy'];
const LAG_DEGRADED = 1000;

/**
 * Health of the platform as one tenant may see it: each component's state, and counts of the caller's
 * tenant only, plus every service of the system as discovery finds it (service-view.ts says what a
 * caller sees of those). Platform-wide numbers (stream sequences, message counts, the projection's
 * position) and error texts (the runner's last error may be about another tenant's operation) stay in
 * the logs and on the probe port: any authenticated caller may read this route.
 */
export const platformStatus: Handler = async (req, deps) => {
  const operator = isPlatformOperator(req, deps.roles, deps.env.IDP_STATUS_OPERATOR_TENANT);
  const [components, found] = await Promise.all([
    platformComponents(req, deps),
    serviceDirectory(deps.nc, deps.logger).instances(),
  ]);
  // `status` stays the platform's own, as before `services` existed: monitors that read it keep working.
  const status = WORST.find((h) => Object.values(components).some((c) => c.status === h)) ?? 'healthy';
  const services = servicesView(found, operator);
  const body: PlatformStatus = { status, components, services, checked_at: new Date().toISOString() };
  return ok(body);
};

async function platformComponents(req: RpcRequest, deps: Deps): Promise<PlatformStatus['components']> {
  const components: PlatformStatus['components'] = {};
  let lastSeq: number | null = null;
  try {
    lastSeq = (await deps.jsm.streams.info(Streams.eventStore.name)).state.last_seq;
    components.event_store = { status: 'healthy' };
  } catch (error) {
    deps.logger.warn({ err: error }, 'status: event store unavailable');
    components.event_store = { status: 'unhealthy' };
  }
  const lag = lastSeq === null ? null : Math.max(0, lastSeq - deps.projection.appliedSeq);
  components.projection = { status: lag === null || lag > LAG_DEGRADED ? 'degraded' : 'healthy' };
  const active = deps.projection.model.operations
    .list(tenantOf(req))
    .filter((o) => o.status === 'pending' || o.status === 'in_progress').length;
  components.operations_runner = {
    status: deps.runnerHealth().running ? 'healthy' : 'unhealthy',
    details: { active_operations: active },
  };
  return components;
}

export const applicationHealth: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const { state: app } = loadApp(deps, req);
  const { in_sync } = diffStates(app.desired_state, app.actual_state);
  let health: ApplicationHealth['health'] = 'unknown';
  if (app.active_operation_id) health = 'progressing';
  else if (app.status === 'failed') health = 'degraded';
  else if (app.actual_state) health = in_sync ? 'healthy' : 'degraded';
  const body: ApplicationHealth = {
    application_id: app.id,
    status: app.status,
    health,
    in_sync,
    desired_version: app.desired_state?.version ?? null,
    actual_version: app.actual_state?.version ?? null,
    replicas: { desired: app.desired_state?.replicas ?? 0, ready: app.actual_state?.replicas ?? 0 },
    active_operation_id: app.active_operation_id,
    checked_at: new Date().toISOString(),
  };
  return ok(body);
};

const countBy = <T>(items: T[], key: (item: T) => string) =>
  items.reduce<Record<string, number>>((acc, item) => {
    acc[key(item)] = (acc[key(item)] ?? 0) + 1;
    return acc;
  }, {});

/**
 * The tenant's metrics, counted over what the caller's `metrics:read` covers: everything with a
 * tenant-wide binding, only its teams' objects with a team-scoped one (the route is team-narrowed).
 */
export const platformMetrics: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const tenant = tenantOf(req);
  const model = deps.projection.model;
  const visible = (teamId: string) => teamAllows(req, deps, teamId);
  const apps = model.applications.list(tenant).filter((a) => !a.deleted && visible(a.team_id));
  const resources = model.resources.list(tenant).filter((r) => r.status !== 'deleted' && visible(r.team_id));
  const ops = model.operations.list(tenant).filter((o) => visible(o.team_id));
  const finished = ops.filter((o) => o.status === 'succeeded' || o.status === 'failed');
  const timed = ops.filter((o) => o.status === 'succeeded' && o.started_at && o.completed_at);
  const body: PlatformMetrics = {
    applications: { total: apps.length, by_status: countBy(apps, (a) => a.status) },
    resources: {
      total: resources.length,
      by_type: countBy(resources, (r) => r.type),
      by_status: countBy(resources, (r) => r.status),
    },
    operations: {
      total: ops.length,
      by_status: countBy(ops, (o) => o.status),
      by_kind: countBy(ops, (o) => o.kind),
      success_rate: finished.length
        ? finished.filter((o) => o.status === 'succeeded').length / finished.length
        : null,
      average_duration_ms: timed.length
        ? timed.reduce((sum, o) => sum + (Date.parse(o.completed_at!) - Date.parse(o.started_at!)), 0) /
          timed.length
        : null,
    },
    teams: { total: model.teams.list(tenant).filter((t) => visible(t.id)).length },
    generated_at: new Date().toISOString(),
  };
  return ok(body);
};
