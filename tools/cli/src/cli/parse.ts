// From argv to a command and its typed input: the longest command path that the leading words
// match, then node:util's strict parseArgs over the global and the command's options. Every mistake
// becomes a UsageError naming it (exit 2).
import { parseArgs } from 'node:util';
import { UsageError } from '../exit-codes.js';
import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec, type OptionValues } from './command.js';

export type Parsed =
  | { kind: 'run'; command: CommandSpec; args: string[]; options: OptionValues }
  /** `--help`, or a group name alone (`idp apps`): help for the commands under `prefix`. */
  | { kind: 'help'; prefix: string; command?: CommandSpec; options: OptionValues };

export function parseCommandLine(argv: readonly string[], commands: readonly CommandSpec[]): Parsed {
  const words = leadingWords(argv, commands);
  const command = longestMatch(words, commands);
  const options = { ...GLOBAL_OPTIONS, ...command?.options };
  const { values, positionals } = strictParse(argv, options, command);
  const pathLength = command ? command.path.split(' ').length : 0;
  const prefix = (command?.path ?? words.join(' ')).trim();
  if (values.help === true) return { kind: 'help', prefix, command, options: values };
  if (!command) {
    const isGroup = words.length > 0 && commands.some((c) => c.path.startsWith(`${words[0]} `));
    if (words.length === 0) return { kind: 'help', prefix: '', options: values };
    if (isGroup && words.length === 1) return { kind: 'help', prefix: words[0]!, options: values };
    throw new UsageError(`unknown command '${words.join(' ')}'`, isGroup ? words[0] : undefined);
  }
  const args = positionals.slice(pathLength);
  checkArity(command, args);
  return { kind: 'run', command, args, options: values };
}

/** The words before the first option, skipping the values of string options wherever they appear. */
function leadingWords(argv: readonly string[], commands: readonly CommandSpec[]): string[] {
  const takesValue = new Set<string>();
  for (const spec of [GLOBAL_OPTIONS, ...commands.map((c) => c.options ?? {})]) {
    for (const [name, option] of Object.entries(spec)) {
      if (option.type !== 'string') continue;
      takesValue.add(`--${name}`);
      if (option.short) takesValue.add(`-${option.short}`);
    }
  }
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    if (token.startsWith('-')) {
      if (takesValue.has(token)) i++;
      continue;
    }
    words.push(token);
  }
  return words;
}

function longestMatch(words: string[], commands: readonly CommandSpec[]): CommandSpec | undefined {
  let best: CommandSpec | undefined;
  for (const command of commands) {
    const path = command.path.split(' ');
    const matches = path.every((part, i) => words[i] === part);
    if (matches && path.length > (best?.path.split(' ').length ?? 0)) best = command;
  }
  return best;
}

function strictParse(argv: readonly string[], options: Record<string, OptionSpec>, command?: CommandSpec) {
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short && { short: o.short }), ...(o.multiple && { multiple: true }) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: config,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    throw new UsageError(cleanParseMessage((error as Error).message), command?.path);
  }
}

/** parseArgs' messages mention its own API ("To specify a positional argument …"): keep the first sentence. */
function cleanParseMessage(message: string): string {
  return message.split('. ')[0]!.replace(/\.$/, '');
}

function checkArity(command: CommandSpec, args: string[]): void {
  const specs = command.args ?? [];
  const required = specs.filter((a) => a.startsWith('<')).length;
  if (args.length < required) {
    const missing = specs.slice(args.length).filter((a) => a.startsWith('<'));
    throw new UsageError(`missing ${missing.join(' ')}`, command.path);
  }
  if (args.length > specs.length) {
    throw new UsageError(`unexpected argument '${args[specs.length]}'`, command.path);
  }
}
