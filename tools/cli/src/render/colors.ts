// ANSI styles, off for `--no-color`, a set `NO_COLOR` (no-color.org) or output that is not a terminal.
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

export type Paint = (style: Style, text: string) => string;

export function painter(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  return (style, text) => `\x1b[${CODES[style][0]}m${text}\x1b[${CODES[style][1]}m`;
}

export function colorWanted(options: { noColor: boolean; env: NodeJS.ProcessEnv; isTTY: boolean }): boolean {
  if (options.noColor) return false;
  if (options.env.NO_COLOR !== undefined && options.env.NO_COLOR !== '') return false;
  return options.isTTY;
}

export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ANSI escape is the point
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

/** The visible width of a string that may hold ANSI styles. */
export function visibleLength(text: string): number {
  return stripAnsi(text).length;
}
