// The shape of a command: its words, arguments and options as data, so parsing, help and usage errors
// come from one place (parse.ts, help.ts) and each command module only says what it does.
import type { ExitCode } from '../exit-codes.js';
import type { Context } from './context.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  short?: string;
  /** Shown in help: `--version <v>`. */
  value?: string;
  multiple?: boolean;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandInput {
  args: string[];
  options: OptionValues;
}

export interface CommandSpec {
  /** The words after `idp`: `apps create`. */
  path: string;
  summary: string;
  /** Positional arguments: `<app>` required, `[type]` optional. */
  args?: readonly string[];
  options?: Record<string, OptionSpec>;
  /** Lines of examples for `--help`. */
  examples?: readonly string[];
  run(ctx: Context, input: CommandInput): Promise<ExitCode | undefined>;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  output: { type: 'string', short: 'o', value: 'table|json', description: 'output format (default table)' },
  'no-color': { type: 'boolean', description: 'no colours (also NO_COLOR=1)' },
  url: { type: 'string', value: 'url', description: 'gateway REST base URL (IDP_API_URL)' },
  'ws-url': { type: 'string', value: 'url', description: 'realtime WebSocket URL (IDP_WS_URL)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

export function optionString(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

export function optionFlag(options: OptionValues, name: string): boolean {
  return options[name] === true;
}

export function optionList(options: OptionValues, name: string): string[] {
  const value = options[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}
