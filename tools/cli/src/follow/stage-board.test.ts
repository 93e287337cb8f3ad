import type { EventMessage } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { StageBoard } from './stage-board.js';

let seq = 0;
const progress = (p: number, stage: string | null, logs: string[] = []): EventMessage =>
  ({
    type: 'event',
    topic: 'operation:op_1:progress',
    event: 'progress_updated',
    timestamp: new Date().toISOString(),
    seq: ++seq,
    data: { operation_id: 'op_1', progress: p, current_stage: stage, message: '', logs },
  }) as EventMessage;
const end = (event: string, data: Record<string, unknown> = {}): EventMessage =>
  ({ ...progress(100, null), event, data: { operation_id: 'op_1', ...data } }) as EventMessage;

describe('StageBoard', () => {
  it('turns start and completion events into one change per stage and status, logs with the completion', () => {
    const board = new StageBoard(['build', 'test']);
    const changes = [
      progress(0, 'build'),
      progress(50, 'build', ['built']),
      progress(50, 'test'),
      progress(100, 'test', ['passed']),
      progress(100, null),
      end('operation_completed'),
    ].flatMap((e) => board.applyEvent(e));
    expect(changes).toEqual([
      { stage: 'build', status: 'in_progress', logs: [] },
      { stage: 'build', status: 'succeeded', logs: ['built'] },
      { stage: 'test', status: 'in_progress', logs: [] },
      { stage: 'test', status: 'succeeded', logs: ['passed'] },
    ]);
    expect(board.outcome).toBe('succeeded');
  });

  it('shows nothing twice when a resumed run announces a finished stage again', () => {
    const board = new StageBoard(['build', 'test', 'deploy']);
    board.applyEvent(progress(0, 'build'));
    board.applyEvent(progress(33, 'build', ['built']));
    expect(board.applyEvent(progress(33, 'build', ['built']))).toEqual([]);
    expect(board.applyEvent(progress(33, 'test'))).toEqual([
      { stage: 'test', status: 'in_progress', logs: [] },
    ]);
  });

  it('marks the running stage failed, with the error, when the operation fails', () => {
    const board = new StageBoard(['build', 'test']);
    board.applyEvent(progress(0, 'build'));
    expect(board.applyEvent(end('operation_failed', { error: 'image push refused' }))).toEqual([
      { stage: 'build', status: 'failed', logs: [] },
    ]);
    expect(board.outcome).toBe('failed');
    expect(board.error).toBe('image push refused');
    expect(board.applyEvent(progress(50, 'test'))).toEqual([]);
  });

  it('catches up from a REST snapshot without repeating stages already shown', () => {
    const board = new StageBoard(['build', 'test']);
    board.applyEvent(progress(50, 'build', ['built']));
    const snapshot = {
      progress: 100,
      status: 'succeeded',
      error: null,
      stages: [
        { name: 'build', status: 'succeeded' },
        { name: 'test', status: 'succeeded' },
      ],
    } as never;
    expect(board.applyOperation(snapshot)).toEqual([{ stage: 'test', status: 'succeeded', logs: [] }]);
    expect(board.outcome).toBe('succeeded');
  });
});
