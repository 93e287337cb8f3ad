// Everything the CLI prints goes through here: `--output table` for people (aligned columns, colour
// when allowed), `--output json` for scripts (the API's data as one JSON document on stdout; progress
// and notices on stderr, so stdout stays parseable), and errors with the API's code and message.
import { type Paint, painter, type Style, visibleLength } from './colors.js';

export const OUTPUT_FORMATS = ['table', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Column<Row> {
  header: string;
  value: (row: Row) => unknown;
}

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
}

export class Output {
  readonly paint: Paint;

  constructor(
    readonly format: OutputFormat,
    readonly color: boolean,
    readonly streams: Streams,
  ) {
    this.paint = painter(color);
  }

  get json(): boolean {
    return this.format === 'json';
  }

  /** Progress bars and redraws only on a terminal, and only when stdout is not the data channel. */
  get animated(): boolean {
    return !this.json && this.streams.stdout.isTTY === true;
  }

  /** A line for people: stdout in table mode, stderr in json mode. */
  say(text: string): void {
    (this.json ? this.streams.stderr : this.streams.stdout).write(`${text}\n`);
  }

  style(style: Style, text: string): string {
    return this.paint(style, text);
  }

  /** The command's result: `data` as JSON, or `render` for people. */
  result(data: unknown, render: () => void): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else render();
  }

  table<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): void {
    if (rows.length === 0) {
      this.say(this.paint('dim', '(none)'));
      return;
    }
    const cells = rows.map((row) => columns.map((c) => cellText(c.value(row))));
    const widths = columns.map((c, i) =>
      Math.max(c.header.length, ...cells.map((r) => visibleLength(r[i]!))),
    );
    const line = (values: string[]) =>
      values
        .map((v, i) => (i === values.length - 1 ? v : v + ' '.repeat(widths[i]! - visibleLength(v))))
        .join('  ')
        .trimEnd();
    this.say(this.paint('bold', line(columns.map((c) => c.header.toUpperCase()))));
    for (const row of cells) this.say(line(row));
  }

  /** One object as `key  value` lines. */
  record(fields: readonly [label: string, value: unknown][]): void {
    const width = Math.max(...fields.map(([label]) => label.length));
    for (const [label, value] of fields) {
      this.say(`${this.paint('bold', label.padEnd(width))}  ${cellText(value)}`);
    }
  }

  error(code: string | undefined, message: string, hint?: string): void {
    const prefix = this.paint('red', code ? `error ${code}:` : 'error:');
    this.streams.stderr.write(`${prefix} ${message}\n`);
    if (hint) this.streams.stderr.write(`${this.paint('dim', hint)}\n`);
  }

  notice(text: string): void {
    this.streams.stderr.write(`${this.paint('yellow', text)}\n`);
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
