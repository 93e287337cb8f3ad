// Every process's output, line by line, prefixed with its instance name (one colour each on a terminal),
// and the last lines of each kept for the message when it fails.

export type LineSink = (line: string) => void;

const COLORS = [36, 35, 33, 32, 34, 31, 96, 95, 93, 92, 94, 91];
const NAME_WIDTH = 12;
export const TAIL_LINES = 20;

export interface Prefixer {
  /** A sink for one process's lines, prefixed with its name. */
  forProcess(name: string): LineSink;
  /** A line of the cluster runner itself. */
  say(line: string): void;
}

export function prefixer(write: (text: string) => void, colors: boolean): Prefixer {
  let next = 0;
  const paint = (code: number, text: string) => (colors ? `\x1b[${code}m${text}\x1b[0m` : text);
  return {
    forProcess: (name) => {
      const prefix = paint(COLORS[next++ % COLORS.length]!, `[${name.padEnd(NAME_WIDTH)}]`);
      return (line) => write(`${prefix} ${line}\n`);
    },
    say: (line) => write(`${paint(1, '[cluster]')} ${line}\n`),
  };
}

/** Splits a stream's chunks into whole lines: a chunk may end mid-line. */
export class LineSplitter {
  private partial = '';

  constructor(private readonly sink: LineSink) {}

  push(chunk: Buffer | string): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.sink(line);
  }

  /** The unfinished last line, once the stream has ended. */
  flush(): void {
    if (this.partial) this.sink(this.partial);
    this.partial = '';
  }
}

/** The last lines of one process (stdout and stderr together), for the message when it fails. */
export class RecentLines {
  private readonly lines: string[] = [];

  constructor(private readonly limit = TAIL_LINES) {}

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.limit) this.lines.shift();
  }

  /** `the last lines of <name>:` and the lines, indented; or that it printed nothing. */
  describe(name: string): string {
    if (this.lines.length === 0) return `${name} printed nothing`;
    return `the last lines of ${name}:\n${this.lines.map((line) => `  ${line}`).join('\n')}`;
  }
}
