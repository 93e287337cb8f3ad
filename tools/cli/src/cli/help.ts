// `idp --help`, `idp apps --help`, `idp deploy --help`: generated from the command specs.
import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec } from './command.js';

export function helpText(commands: readonly CommandSpec[], prefix: string, command?: CommandSpec): string {
  if (command) return commandHelp(command);
  const listed = commands.filter((c) => !prefix || c.path === prefix || c.path.startsWith(`${prefix} `));
  const width = Math.max(...listed.map((c) => usageLine(c).length));
  return [
    `usage: idp ${prefix ? `${prefix} ` : ''}<command> [options]`,
    '',
    'commands:',
    ...listed.map((c) => `  ${usageLine(c).padEnd(width)}  ${c.summary}`),
    '',
    'options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'environment: IDP_API_URL, IDP_WS_URL, IDP_TOKEN, IDP_API_KEY, IDP_CONFIG_DIR, NO_COLOR',
    'exit codes: 0 success, 1 operation failed or API error, 2 usage error, 3 authentication or permission',
  ].join('\n');
}

function commandHelp(command: CommandSpec): string {
  const lines = [`usage: idp ${usageLine(command)} [options]`, '', command.summary];
  if (command.options && Object.keys(command.options).length > 0) {
    lines.push('', 'options:', ...optionLines(command.options));
  }
  lines.push('', 'options for every command:', ...optionLines(GLOBAL_OPTIONS));
  if (command.examples?.length) lines.push('', 'examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

function usageLine(command: CommandSpec): string {
  return [command.path, ...(command.args ?? [])].join(' ');
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const names = Object.entries(options).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : '    ';
    return [`${short}--${name}${o.value ? ` <${o.value}>` : ''}`, o.description] as const;
  });
  const width = Math.max(...names.map(([n]) => n.length));
  return names.map(([n, d]) => `  ${n.padEnd(width)}  ${d}`);
}
