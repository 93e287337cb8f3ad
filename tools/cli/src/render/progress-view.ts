// What a followed operation looks like: plain lines (no TTY, `--output json`, a log file) or a live
// multi-bar on a terminal (live-view.ts). Both print every stage change once, in order.
import type { StageBoard, StageChange } from '../follow/stage-board.js';
import type { Output } from './output.js';
import { stageLines } from './stage-lines.js';

export interface ProgressView {
  start(title: string, board: StageBoard): void;
  changed(changes: readonly StageChange[], board: StageBoard): void;
  /** A line about the follow itself (a lost connection, a resume). */
  notice(text: string): void;
  stop(board: StageBoard): void;
}

export class PlainView implements ProgressView {
  constructor(private readonly out: Output) {}

  start(title: string, board: StageBoard): void {
    this.out.say(this.out.style('bold', title));
    this.out.say(this.out.style('dim', `stages: ${board.stages.map((s) => s.name).join(', ')}`));
  }

  changed(changes: readonly StageChange[]): void {
    for (const change of changes) for (const line of stageLines(change, this.out.paint)) this.out.say(line);
  }

  notice(text: string): void {
    this.out.say(this.out.style('yellow', text));
  }

  stop(): void {}
}
