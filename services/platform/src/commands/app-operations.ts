// Deploy, rollback and restart: check the application, create the operation, then attach it to the
// application (which also locks out a second concurrent operation). The runner does the rest.
import {
  ApiError,
  conflict,
  type DeployBody,
  type OperationKind,
  PlatformEvents,
  type RollbackBody,
  type RpcRequest,
} from '@idp/contracts';
import { type ApplicationState, OPERATION_STATUS } from '../aggregates/application.js';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
import { isWrongSequence } from '../event-store.js';
import { body, checkIfMatch, type Handler, ref, tenantOf } from '../handler-kit.js';
import { STAGES } from '../operations/stages.js';
import { loadApp } from './applications.js';
import { abandonOperation, accepted, type CreatedOperation, createOperation } from './start-operation.js';

type AppOperationKind = 'deploy' | 'rollback' | 'restart';
const ATTACH_RETRIES = 5;

export function deployParams(app: ApplicationState, input: DeployBody): Record<string, unknown> {
  const desired = app.desired_state;
  if (!desired) {
    throw new ApiError('VALIDATION_ERROR', 'The application has no desired state; set it before deploying', {
      field: 'desired_state',
      reason: 'not set',
    });
  }
  return {
    version: input.version ?? desired.version,
    replicas: desired.replicas,
    env: desired.env ?? {},
    resources: desired.resources ?? {},
  };
}

export function rollbackParams(app: ApplicationState, input: RollbackBody): Record<string, unknown> {
  const actual = app.actual_state;
  const current = actual?.version;
  const versions = app.deployment_history.map((h) => h.version);
  let target: string | undefined;
  if (input.version !== undefined) {
    if (!versions.includes(input.version)) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `Version '${input.version}' was never deployed (or is older than the deployments kept)`,
        {
          field: 'version',
          reason: 'not in deployment history',
        },
      );
    }
    if (input.version === current) {
      throw new ApiError('VALIDATION_ERROR', `Version '${input.version}' is already running`, {
        field: 'version',
        reason: 'current version',
      });
    }
    target = input.version;
  } else {
    target = [...versions].reverse().find((v) => v !== current);
  }
  if (!actual || !target)
    throw conflict('There is no earlier deployed version to roll back to', {
      current_version: current ?? null,
    });
  return {
    version: target,
    from_version: current,
    replicas: actual.replicas,
    env: actual.env,
    resources: actual.resources,
    reason: input.reason ?? null,
  };
}

function restartParams(app: ApplicationState, input: { reason?: string }): Record<string, unknown> {
  if (!app.actual_state)
    throw conflict('The application has never been deployed; there is nothing to restart');
  return { version: app.actual_state.version, reason: input.reason ?? null };
}

const PLANNERS: Record<AppOperationKind, (app: ApplicationState, input: never) => Record<string, unknown>> = {
  deploy: deployParams,
  rollback: rollbackParams,
  restart: restartParams,
};

function startAppOperation(kind: AppOperationKind): Handler {
  return async (req, deps) => {
    let op: CreatedOperation | undefined;
    let previous: ApplicationState | undefined;
    try {
      for (let attempt = 1; attempt <= ATTACH_RETRIES && !previous; attempt++) {
        await deps.barrier.wait();
        const app = loadApp(deps, req);
        if (op && app.state.active_operation_id === op.id) {
          previous = app.state; // our attach landed but its ack was lost
          break;
        }
        checkIfMatch(req, app.state.version);
        if (app.state.active_operation_id) {
          throw conflict('Another operation is active on this application', {
            operation_id: app.state.active_operation_id,
          });
        }
        const params = PLANNERS[kind](app.state, body<never>(req));
        op ??= await createOperation(deps, req, {
          kind,
          target: { type: 'application', id: app.state.id },
          team_id: app.state.team_id,
          params,
        });
        const event = makeEvent(
          ref(req, AggregateTypes.application, app.state.id),
          'application.operation_started',
          {
            operation_id: op.id,
            kind,
            status: OPERATION_STATUS[kind],
          },
        );
        try {
          await deps.store.append(event, app.seq);
          previous = app.state;
        } catch (error) {
          if (!isWrongSequence(error)) throw error;
        }
      }
      if (!previous || !op)
        throw conflict('The application is being modified concurrently; retry the request');
    } catch (error) {
      if (op && !previous)
        await abandonOperation(
          deps,
          req,
          op,
          'Superseded: the application changed before the operation could start',
        );
      throw error;
    }
    await announce(deps, req, kind, previous, op);
    return accepted(op, `${kind[0]?.toUpperCase()}${kind.slice(1)} of '${previous.name}' accepted`);
  };
}

async function announce(
  deps: Deps,
  req: RpcRequest,
  kind: OperationKind,
  app: ApplicationState,
  op: CreatedOperation,
) {
  const tenant = tenantOf(req);
  const version = String(op.plan.params.version);
  if (kind === 'deploy') {
    await deps.events.application(tenant, app.id, PlatformEvents.deploymentStarted, {
      application_id: app.id,
      deployment_id: op.id,
      version,
      stages: [...STAGES.deploy],
    });
  }
  await deps.events.application(tenant, app.id, PlatformEvents.statusChanged, {
    application_id: app.id,
    status: OPERATION_STATUS[kind as AppOperationKind],
    previous_status: app.status,
    details: { version, operation_id: op.id },
  });
}

export const deployApplication = startAppOperation('deploy');
export const rollbackApplication = startAppOperation('rollback');
export const restartApplication = startAppOperation('restart');
