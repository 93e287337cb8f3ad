// Route name → handler, and the one wildcard subscription that answers every platform route.
import { ApiError, type RouteDef, type RouteName, Routes, RpcRequest, RpcSubjects } from '@idp/contracts';
import { serveJson } from '@idp/nats';
import type { Subscription } from '@nats-io/transport-node';
import { Compile } from 'typebox/compile';
import { assertRoutePermission } from './access.js';
import { compileBodyChecks } from './body-check.js';
import { deployApplication, restartApplication, rollbackApplication } from './commands/app-operations.js';
import {
  createApplication,
  deleteApplication,
  putDesiredState,
  updateApplication,
} from './commands/applications.js';
import { cancelOperation } from './commands/operations.js';
import { createResource, deleteResource, updateResource } from './commands/resources.js';
import { addTeamMember, createTeam } from './commands/teams.js';
import { getMe, updateMe } from './commands/users.js';
import type { Deps } from './deps.js';
import type { Handler } from './handler-kit.js';
import {
  getActualState,
  getApplication,
  getDesiredState,
  getDiff,
  listApplications,
} from './queries/applications.js';
import { getOperation, getOperationLogs, listOperations } from './queries/operations.js';
import { getResource, listResources, listResourcesByType } from './queries/resources.js';
import { applicationHealth, platformMetrics, platformStatus } from './queries/status.js';
import { getTeam, listTeamApplications, listTeamMembers, listTeams } from './queries/teams.js';
import { getQuotas } from './quotas.js';

/** `users.me.permissions` is answered by the edge itself. */
export const HANDLERS: Partial<Record<RouteName, Handler>> = {
  'applications.list': listApplications,
  'applications.create': createApplication,
  'applications.get': getApplication,
  'applications.update': updateApplication,
  'applications.delete': deleteApplication,
  'applications.desiredState.get': getDesiredState,
  'applications.desiredState.put': putDesiredState,
  'applications.actualState.get': getActualState,
  'applications.diff': getDiff,
  'applications.deploy': deployApplication,
  'applications.rollback': rollbackApplication,
  'applications.restart': restartApplication,
  'resources.list': listResources,
  'resources.listByType': listResourcesByType,
  'resources.create': createResource,
  'resources.get': getResource,
  'resources.update': updateResource,
  'resources.delete': deleteResource,
  'operations.list': listOperations,
  'operations.get': getOperation,
  'operations.cancel': cancelOperation,
  'operations.logs': getOperationLogs,
  'status.platform': platformStatus,
  'status.application': applicationHealth,
  'metrics.platform': platformMetrics,
  'users.me.get': getMe,
  'users.me.update': updateMe,
  'teams.list': listTeams,
  'teams.create': createTeam,
  'teams.get': getTeam,
  'teams.members.list': listTeamMembers,
  'teams.members.add': addTeamMember,
  'teams.applications.list': listTeamApplications,
  'quotas.get': getQuotas,
};

const checkRequest = Compile(RpcRequest);
const checkBody = compileBodyChecks(Routes as readonly RouteDef[]);
const PREFIX = RpcSubjects.platform('');

export const PLATFORM_QUEUE = 'platform';

export function servePlatform(deps: Deps): Subscription {
  const logger = deps.logger.child({ component: 'rpc' });
  return serveJson(
    deps.nc,
    RpcSubjects.platformAll,
    async (request, context, msg) => {
      const name = msg.subject.slice(PREFIX.length) as RouteName;
      const handler = HANDLERS[name];
      if (!handler) throw new ApiError('NOT_FOUND', `No platform route '${name}'`, { route: name });
      if (!checkRequest.Check(request)) throw new ApiError('VALIDATION_ERROR', 'Malformed platform request');
      checkBody(name, request);
      assertRoutePermission(name, request, deps);
      const started = performance.now();
      const reply = await handler(request, deps);
      logger.debug(
        {
          request_id: context.requestId,
          route: name,
          tenant_id: request.principal.tenant_id,
          ms: Math.round(performance.now() - started),
        },
        'handled',
      );
      return reply;
    },
    { queue: PLATFORM_QUEUE, logger },
  );
}
