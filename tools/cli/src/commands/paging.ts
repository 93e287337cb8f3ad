// `--page` / `--per-page` and other whole-number options, checked before anything is sent.
import { type OptionValues, optionString } from '../cli/command.js';
import { UsageError } from '../exit-codes.js';
import type { Output } from '../render/output.js';

export function integerOption(options: OptionValues, name: string, command: string): number | undefined {
  const text = optionString(options, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} '${text}': expected a whole number`, command);
  return Number(text);
}

export function pageQuery(options: OptionValues, command: string) {
  return {
    page: integerOption(options, 'page', command),
    per_page: integerOption(options, 'per-page', command),
  };
}

export const PAGE_OPTIONS = {
  page: { type: 'string', value: 'n', description: 'page (default 1)' },
  'per-page': { type: 'string', value: 'n', description: 'per page (default 50, at most 200)' },
} as const;

export function printPagination(
  out: Output,
  pagination: { page: number; total_pages: number; total: number } | undefined,
): void {
  if (pagination && pagination.total_pages > 1) {
    out.say(
      out.style('dim', `page ${pagination.page} of ${pagination.total_pages} (${pagination.total} in all)`),
    );
  }
}
