// The operation aggregate: a long-running command's life, from queued through stages to an end state.
import type { Operation, OperationKind, OperationLogEntry, OperationStatus } from '@idp/contracts';
import { TERMINAL_OPERATION_STATUSES } from '@idp/contracts';
import type { StoredEvent } from './stored-event.js';

export interface OperationTarget {
  type: 'application' | 'resource';
  id: string;
}

export type OperationEvent =
  | StoredEvent<
      'operation.created',
      {
        kind: OperationKind;
        target: OperationTarget;
        team_id: string;
        params: Record<string, unknown>;
        stages: string[];
        estimated_completion: string | null;
      }
    >
  | StoredEvent<'operation.started', { attempt: number; instance: string }>
  | StoredEvent<'operation.stage_started', { stage: string }>
  | StoredEvent<'operation.stage_completed', { stage: string; logs: string[] }>
  | StoredEvent<'operation.cancel_requested', { reason?: string }>
  | StoredEvent<'operation.succeeded', { message: string }>
  | StoredEvent<'operation.failed', { error: string }>
  | StoredEvent<'operation.cancelled', { reason?: string }>;

export interface OperationState extends Operation {
  logs: OperationLogEntry[];
}

export const isTerminal = (status: OperationStatus) => TERMINAL_OPERATION_STATUSES.includes(status);

const log = (
  at: string,
  stage: string | null,
  message: string,
  level: OperationLogEntry['level'] = 'info',
) => ({
  timestamp: at,
  level,
  stage,
  message,
});

export function applyOperation(
  state: OperationState | undefined,
  event: OperationEvent,
): OperationState | undefined {
  if (event.type === 'operation.created') return created(event);
  if (!state) return undefined;
  const next: OperationState = { ...state, version: state.version + 1, updated_at: event.at };
  switch (event.type) {
    case 'operation.started':
      return withLog(
        {
          ...next,
          status: 'in_progress',
          attempts: event.data.attempt,
          started_at: state.started_at ?? event.at,
          message: `Attempt ${event.data.attempt} started`,
        },
        log(event.at, null, `Attempt ${event.data.attempt} started on ${event.data.instance}`),
      );
    case 'operation.stage_started':
      return withLog(
        stageStarted(next, event.data.stage, event.at),
        log(event.at, event.data.stage, `Stage ${event.data.stage} started`),
      );
    case 'operation.stage_completed':
      return stageCompleted(next, event.data.stage, event.data.logs, event.at);
    case 'operation.cancel_requested':
      return withLog(
        { ...next, cancel_requested: true },
        log(
          event.at,
          next.current_stage,
          `Cancellation requested${event.data.reason ? `: ${event.data.reason}` : ''}`,
          'warn',
        ),
      );
    case 'operation.succeeded':
      return withLog(
        end(next, 'succeeded', event.at, event.data.message),
        log(event.at, null, event.data.message),
      );
    case 'operation.failed':
      return withLog(
        { ...end(next, 'failed', event.at, event.data.error), error: event.data.error },
        log(event.at, next.current_stage, event.data.error, 'error'),
      );
    case 'operation.cancelled':
      return withLog(
        end(next, 'cancelled', event.at, 'Operation cancelled'),
        log(event.at, next.current_stage, 'Operation cancelled', 'warn'),
      );
    default:
      return state;
  }
}

function created(event: Extract<OperationEvent, { type: 'operation.created' }>): OperationState {
  return {
    id: event.id,
    tenant_id: event.tenant_id,
    team_id: event.data.team_id,
    kind: event.data.kind,
    target: event.data.target,
    status: 'pending',
    progress: 0,
    message: 'Operation queued',
    current_stage: null,
    stages: event.data.stages.map((name) => ({
      name,
      status: 'pending',
      started_at: null,
      completed_at: null,
    })),
    params: event.data.params,
    error: null,
    cancel_requested: false,
    attempts: 0,
    estimated_completion: event.data.estimated_completion,
    created_by: event.by,
    created_at: event.at,
    updated_at: event.at,
    started_at: null,
    completed_at: null,
    version: 1,
    logs: [log(event.at, null, `Operation ${event.data.kind} queued`)],
  };
}

const withLog = (state: OperationState, entry: OperationLogEntry): OperationState => ({
  ...state,
  logs: [...state.logs, entry],
});

function stageStarted(state: OperationState, stage: string, at: string): OperationState {
  return {
    ...state,
    current_stage: stage,
    message: `Running stage ${stage}`,
    stages: state.stages.map((s) => (s.name === stage ? { ...s, status: 'in_progress', started_at: at } : s)),
  };
}

function stageCompleted(state: OperationState, stage: string, lines: string[], at: string): OperationState {
  const stages = state.stages.map((s) =>
    s.name === stage
      ? { ...s, status: 'succeeded' as const, started_at: s.started_at ?? at, completed_at: at }
      : s,
  );
  const done = stages.filter((s) => s.status === 'succeeded').length;
  const entries = [...lines.map((l) => log(at, stage, l)), log(at, stage, `Stage ${stage} completed`)];
  return {
    ...state,
    stages,
    progress: Math.round((done / stages.length) * 100),
    message: lines.at(-1) ?? `Completed stage ${stage}`,
    logs: [...state.logs, ...entries],
  };
}

function end(state: OperationState, status: OperationStatus, at: string, message: string): OperationState {
  const stageStatus = status === 'failed' ? 'failed' : 'cancelled';
  return {
    ...state,
    status,
    message,
    completed_at: at,
    progress: status === 'succeeded' ? 100 : state.progress,
    stages:
      status === 'succeeded'
        ? state.stages
        : state.stages.map((s) => (s.status === 'in_progress' ? { ...s, status: stageStatus } : s)),
  };
}

export function toOperation(state: OperationState): Operation {
  const { logs: _logs, ...op } = state;
  return op;
}
