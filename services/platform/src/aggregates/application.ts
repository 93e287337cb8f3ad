// The application aggregate: its events and the fold that turns them into the public Application.
import {
  type ActualState,
  type Application,
  type ApplicationStatus,
  type DesiredState,
  type OperationKind,
  StoredDataLimits,
} from '@idp/contracts';
import type { StoredEvent } from './stored-event.js';

export type ApplicationEvent =
  | StoredEvent<
      'application.created',
      { team_id: string; name: string; description: string; desired_state: DesiredState | null }
    >
  | StoredEvent<'application.updated', { description?: string; team_id?: string }>
  | StoredEvent<'application.deleted', Record<string, never>>
  | StoredEvent<'application.desired_state_set', { desired_state: DesiredState }>
  | StoredEvent<
      'application.operation_started',
      { operation_id: string; kind: OperationKind; status: ApplicationStatus }
    >
  | StoredEvent<
      'application.operation_finished',
      {
        operation_id: string;
        outcome: 'succeeded' | 'failed' | 'cancelled';
        status: ApplicationStatus;
        actual_state?: ActualState;
        /** Set when the operation put a version into service (deploy, rollback). */
        deployed_version?: string;
      }
    >;

/** The fold's state: the public shape plus what only the platform needs. */
export interface ApplicationState extends Application {
  deleted: boolean;
}

export const OPERATION_STATUS: Record<'deploy' | 'rollback' | 'restart', ApplicationStatus> = {
  deploy: 'deploying',
  rollback: 'rolling_back',
  restart: 'restarting',
};

/** The status an application returns to when an operation on it ends without changing what runs. */
export const restingStatus = (app: Pick<Application, 'actual_state'>): ApplicationStatus =>
  app.actual_state ? 'deployed' : 'created';

export function applyApplication(
  state: ApplicationState | undefined,
  event: ApplicationEvent,
): ApplicationState | undefined {
  if (event.type === 'application.created') {
    return {
      id: event.id,
      tenant_id: event.tenant_id,
      team_id: event.data.team_id,
      name: event.data.name,
      description: event.data.description,
      status: 'created',
      desired_state: event.data.desired_state,
      actual_state: null,
      deployment_history: [],
      active_operation_id: null,
      version: 1,
      created_by: event.by,
      created_at: event.at,
      updated_at: event.at,
      deleted: false,
    };
  }
  if (!state) return undefined;
  const next: ApplicationState = { ...state, version: state.version + 1, updated_at: event.at };
  switch (event.type) {
    case 'application.updated':
      if (event.data.description !== undefined) next.description = event.data.description;
      if (event.data.team_id !== undefined) next.team_id = event.data.team_id;
      return next;
    case 'application.deleted':
      return { ...next, deleted: true };
    case 'application.desired_state_set':
      return { ...next, desired_state: event.data.desired_state };
    case 'application.operation_started':
      return { ...next, active_operation_id: event.data.operation_id, status: event.data.status };
    case 'application.operation_finished':
      return finishOperation(next, event.data, event.at);
    default:
      return state;
  }
}

function finishOperation(
  next: ApplicationState,
  data: Extract<ApplicationEvent, { type: 'application.operation_finished' }>['data'],
  at: string,
): ApplicationState {
  const result: ApplicationState = { ...next, status: data.status };
  if (next.active_operation_id === data.operation_id) result.active_operation_id = null;
  if (data.actual_state) result.actual_state = data.actual_state;
  if (data.deployed_version) {
    // Only the newest are kept: an application deployed for years must still fit in one reply.
    result.deployment_history = [
      ...next.deployment_history,
      { version: data.deployed_version, operation_id: data.operation_id, deployed_at: at },
    ].slice(-StoredDataLimits.deploymentHistory);
  }
  return result;
}

/** What clients see: the internal flags stripped. */
export function toApplication(state: ApplicationState): Application {
  const { deleted: _deleted, ...app } = state;
  return app;
}
