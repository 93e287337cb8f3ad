// How one stage change reads as a line of text: shared by the plain and the live progress views, so a
// terminal and a log file tell the same story.
import type { StageChange, StageStatus } from '../follow/stage-board.js';
import type { Paint, Style } from './colors.js';

export const STAGE_MARK: Record<StageStatus, [mark: string, style: Style, word: string]> = {
  pending: ['·', 'dim', 'pending'],
  in_progress: ['▸', 'cyan', 'running'],
  succeeded: ['✔', 'green', 'done'],
  failed: ['✖', 'red', 'failed'],
  cancelled: ['■', 'yellow', 'cancelled'],
};

export function stageLines(change: StageChange, paint: Paint): string[] {
  const [mark, style, word] = STAGE_MARK[change.status];
  return [
    `  ${paint(style, mark)} ${change.stage}: ${word}`,
    ...change.logs.map((line) => paint('dim', `      ${line}`)),
  ];
}
