// The live view on a terminal: a cli-progress multi-bar with one bar for the whole operation and one
// per stage, redrawn in place, with stage lines, logs and notices scrolling above the bars. The running
// stage's bar moves while it waits (its own progress is not reported), so a stalled follow shows.
import cliProgress from 'cli-progress';
import type { StageBoard, StageChange, StageStatus } from '../follow/stage-board.js';
import type { Style } from './colors.js';
import type { Output } from './output.js';
import type { ProgressView } from './progress-view.js';
import { STAGE_MARK, stageLines } from './stage-lines.js';

const BAR_WIDTH = 24;
const PULSE = 6;
const FRAME_MS = 100;

type BarPayload = { kind: 'title' } | { kind: 'stage'; name: string; status: StageStatus };

export class LiveView implements ProgressView {
  private multibar: cliProgress.MultiBar | undefined;
  private titleBar: cliProgress.SingleBar | undefined;
  private readonly stageBars = new Map<string, cliProgress.SingleBar>();
  /** Ctrl-C while the bars are up: give the cursor back before leaving (130, as shells report SIGINT). */
  private readonly onInterrupt = () => {
    this.multibar?.stop();
    process.exit(130);
  };

  constructor(private readonly out: Output) {}

  start(title: string, board: StageBoard): void {
    const width = Math.max(...board.stages.map((s) => s.name.length));
    this.multibar = new cliProgress.MultiBar({
      stream: this.out.streams.stdout as NodeJS.WriteStream,
      format: (_options, params, payload: BarPayload) => this.format(title, width, params.value, payload),
      fps: 1000 / FRAME_MS,
      // Every frame, not only on change: the running stage's bar moves, and logs printed above
      // the bars must not leave a bar half overwritten.
      forceRedraw: true,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: false,
    });
    this.titleBar = this.multibar.create(100, board.progress, { kind: 'title' });
    for (const stage of board.stages) {
      this.stageBars.set(
        stage.name,
        this.multibar.create(1, 0, { kind: 'stage', name: stage.name, status: stage.status }),
      );
    }
    process.once('SIGINT', this.onInterrupt);
  }

  changed(changes: readonly StageChange[], board: StageBoard): void {
    this.titleBar?.update(board.progress);
    for (const change of changes) {
      this.stageBars
        .get(change.stage)
        ?.update(0, { kind: 'stage', name: change.stage, status: change.status });
    }
    this.above(changes.flatMap((c) => stageLines(c, this.out.paint)));
  }

  notice(text: string): void {
    this.above([this.out.style('yellow', text)]);
  }

  stop(board: StageBoard): void {
    process.off('SIGINT', this.onInterrupt);
    this.titleBar?.update(board.progress);
    // Print what is still in the log buffer (stop() alone would drop it), then leave the bars as drawn.
    this.multibar?.update();
    this.multibar?.stop();
    this.multibar = undefined;
  }

  /** Lines that stay, above the bars; each erases the bar line it lands on first. */
  private above(lines: string[]): void {
    if (lines.length > 0) this.multibar?.log(lines.map((line) => `\x1b[2K${line}\n`).join(''));
  }

  private format(title: string, width: number, value: number, payload: BarPayload): string {
    if (payload.kind === 'title') {
      return `${this.out.style('bold', title)}  ${this.bar(value, 'green')} ${String(value).padStart(3)}%`;
    }
    const [mark, style, word] = STAGE_MARK[payload.status];
    const bar =
      payload.status === 'in_progress'
        ? this.pulse()
        : this.bar(payload.status === 'succeeded' ? 100 : 0, style);
    return `  ${this.out.style(style, mark)} ${payload.name.padEnd(width)}  ${bar} ${this.out.style(style, word)}`;
  }

  private bar(percent: number, style: Style): string {
    const filled = Math.round((percent / 100) * BAR_WIDTH);
    return `${this.out.style(style, '█'.repeat(filled))}${this.out.style('dim', '░'.repeat(BAR_WIDTH - filled))}`;
  }

  /** A block bouncing along the bar, one step per frame. */
  private pulse(): string {
    const span = BAR_WIDTH - PULSE;
    const step = Math.floor(Date.now() / FRAME_MS) % (2 * span);
    const at = step <= span ? step : 2 * span - step;
    return (
      this.out.style('dim', '░'.repeat(at)) +
      this.out.style('cyan', '█'.repeat(PULSE)) +
      this.out.style('dim', '░'.repeat(BAR_WIDTH - PULSE - at))
    );
  }
}
