import { describe, expect, it } from 'vitest';
import { ExitCodes, UsageError } from '../exit-codes.js';
import type { CommandSpec } from './command.js';
import { parseCommandLine } from './parse.js';

const run = async () => ExitCodes.ok;
const commands: CommandSpec[] = [
  { path: 'apps list', summary: '', run },
  {
    path: 'apps desired-state set',
    summary: '',
    args: ['<app>'],
    options: { version: { type: 'string', description: '' } },
    run,
  },
  {
    path: 'deploy',
    summary: '',
    args: ['<app>'],
    options: { follow: { type: 'boolean', short: 'f', description: '' } },
    run,
  },
];

describe('parseCommandLine', () => {
  it('finds the longest command path, with global options anywhere', () => {
    const parsed = parseCommandLine(
      ['-o', 'json', 'apps', 'desired-state', 'set', 'web', '--version', 'v1'],
      commands,
    );
    expect(parsed.kind).toBe('run');
    if (parsed.kind !== 'run') return;
    expect(parsed.command.path).toBe('apps desired-state set');
    expect(parsed.args).toEqual(['web']);
    expect(parsed.options).toMatchObject({ output: 'json', version: 'v1' });
  });

  it('answers help for a group name alone and for --help', () => {
    expect(parseCommandLine(['apps'], commands)).toMatchObject({ kind: 'help', prefix: 'apps' });
    expect(parseCommandLine(['deploy', '--help'], commands)).toMatchObject({
      kind: 'help',
      prefix: 'deploy',
    });
    expect(parseCommandLine([], commands)).toMatchObject({ kind: 'help', prefix: '' });
  });

  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['deploy'], 'missing <app>'],
    [['deploy', 'a', 'b'], "unexpected argument 'b'"],
    [['deploy', 'a', '--fast'], "Unknown option '--fast'"],
    [['apps', 'desired-state', 'set', 'a', '--version'], "Option '--version <value>' argument missing"],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseCommandLine(argv, commands)).toThrowError(UsageError);
    expect(() => parseCommandLine(argv, commands)).toThrowError(message);
  });
});
