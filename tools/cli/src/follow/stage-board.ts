// The state of one operation's stages as the CLI shows it, folded from its progress events (or from a
// REST snapshot). Stages only move forward (pending → in_progress → an end), so an event seen twice,
// or a stage the platform re-announces after resuming a run, never shows a stage twice.
import {
  type EventMessage,
  type Operation,
  PlatformEvents,
  TERMINAL_OPERATION_STATUSES,
} from '@idp/contracts';

export type StageStatus = Operation['stages'][number]['status'];
export type Outcome = 'succeeded' | 'failed' | 'cancelled';

export interface StageChange {
  stage: string;
  status: StageStatus;
  /** The log lines the stage wrote, with its completion. */
  logs: string[];
}

const RANK: Record<StageStatus, number> = {
  pending: 0,
  in_progress: 1,
  succeeded: 2,
  failed: 2,
  cancelled: 2,
};

export class StageBoard {
  readonly stages: { name: string; status: StageStatus }[];
  progress = 0;
  outcome: Outcome | undefined;
  error: string | undefined;

  constructor(stageNames: readonly string[]) {
    this.stages = stageNames.map((name) => ({ name, status: 'pending' }));
  }

  get current(): string | undefined {
    return this.stages.find((s) => s.status === 'in_progress')?.name;
  }

  applyEvent(event: EventMessage): StageChange[] {
    if (this.outcome) return [];
    const data = event.data as Record<string, unknown>;
    if (event.event === PlatformEvents.progressUpdated) return this.applyProgress(data);
    if (event.event === PlatformEvents.operationCompleted) return this.end('succeeded');
    if (event.event === PlatformEvents.operationFailed) {
      return this.end('failed', typeof data.error === 'string' ? data.error : undefined);
    }
    if (event.event === PlatformEvents.operationCancelled) return this.end('cancelled');
    return [];
  }

  /** A REST snapshot: used when events cannot be had (an API key) or were lost (a gap). */
  applyOperation(op: Operation): StageChange[] {
    if (this.outcome) return [];
    this.progress = Math.max(this.progress, op.progress);
    const changes: StageChange[] = [];
    for (const stage of op.stages) changes.push(...this.move(stage.name, stage.status));
    if (TERMINAL_OPERATION_STATUSES.includes(op.status)) {
      changes.push(...this.end(op.status as Outcome, op.error ?? undefined));
    }
    return changes;
  }

  /**
   * Progress is `round(done / stages × 100)` (the platform's rule), so it says how many stages are done
   * whatever the message text; `current_stage` beyond those is running.
   */
  private applyProgress(data: Record<string, unknown>): StageChange[] {
    const progress = typeof data.progress === 'number' ? data.progress : 0;
    this.progress = Math.max(this.progress, progress);
    const done = Math.round((progress * this.stages.length) / 100);
    const current = typeof data.current_stage === 'string' ? data.current_stage : undefined;
    const logs = Array.isArray(data.logs) ? data.logs.filter((l): l is string => typeof l === 'string') : [];
    const changes: StageChange[] = [];
    this.stages.forEach((stage, index) => {
      if (index < done)
        changes.push(...this.move(stage.name, 'succeeded', stage.name === current ? logs : []));
      else if (stage.name === current) changes.push(...this.move(stage.name, 'in_progress'));
    });
    return changes;
  }

  private end(outcome: Outcome, error?: string): StageChange[] {
    const changes: StageChange[] = [];
    if (outcome === 'succeeded') {
      for (const stage of this.stages) changes.push(...this.move(stage.name, 'succeeded'));
      this.progress = 100;
    } else {
      const stopped =
        this.stages.find((s) => s.status === 'in_progress') ??
        this.stages.find((s) => s.status === 'pending');
      if (stopped) changes.push(...this.move(stopped.name, outcome));
    }
    this.outcome = outcome;
    this.error = error;
    return changes;
  }

  private move(name: string, status: StageStatus, logs: string[] = []): StageChange[] {
    const stage = this.stages.find((s) => s.name === name);
    if (!stage || RANK[status] <= RANK[stage.status]) return [];
    stage.status = status;
    return [{ stage: name, status, logs }];
  }
}
