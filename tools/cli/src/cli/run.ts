// One run of the CLI: parse, build the context, run the command, and turn every failure into a
// message and an exit code (0 ok, 1 failed, 2 usage, 3 auth); nothing ends in a stack trace.
import { ApiError } from '@idp/client';
import { ConfigStore, configDir } from '../config-store.js';
import { CredentialError, type ExitCode, ExitCodes, exitCodeOfApiError, UsageError } from '../exit-codes.js';
import { colorWanted } from '../render/colors.js';
import { OUTPUT_FORMATS, Output, type OutputFormat, type Streams } from '../render/output.js';
import { type CommandSpec, optionFlag, optionString } from './command.js';
import { Context } from './context.js';
import { helpText } from './help.js';
import { parseCommandLine } from './parse.js';

export interface RunEnvironment {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  streams: Streams;
}

export async function runCli(
  commands: readonly CommandSpec[],
  { argv, env, streams }: RunEnvironment,
): Promise<ExitCode> {
  // Until the options are known, errors print plainly (no colour guess on a usage error).
  let out = new Output('table', false, streams);
  try {
    const parsed = parseCommandLine(argv, commands);
    out = new Output(
      outputFormat(optionString(parsed.options, 'output')),
      colorWanted({
        noColor: optionFlag(parsed.options, 'no-color'),
        env,
        isTTY: streams.stdout.isTTY === true,
      }),
      streams,
    );
    if (parsed.kind === 'help') {
      streams.stdout.write(`${helpText(commands, parsed.prefix, parsed.command)}\n`);
      return ExitCodes.ok;
    }
    const ctx = new Context(out, new ConfigStore(configDir(env)), env, {
      url: optionString(parsed.options, 'url'),
      wsUrl: optionString(parsed.options, 'ws-url'),
    });
    return (await parsed.command.run(ctx, { args: parsed.args, options: parsed.options })) ?? ExitCodes.ok;
  } catch (error) {
    return reportFailure(out, error);
  }
}

function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--output '${value}': one of ${OUTPUT_FORMATS.join(', ')}`);
  }
  return value as OutputFormat;
}

function reportFailure(out: Output, error: unknown): ExitCode {
  if (error instanceof UsageError) {
    out.error(undefined, error.message, `see: idp ${error.command ? `${error.command} ` : ''}--help`);
    return ExitCodes.usage;
  }
  if (error instanceof CredentialError) {
    out.error('UNAUTHENTICATED', error.message);
    return ExitCodes.auth;
  }
  if (error instanceof ApiError) {
    out.error(error.code, error.message, detailsHint(error));
    return exitCodeOfApiError(error);
  }
  if (error instanceof TypeError && error.message === 'fetch failed') {
    // fetch's own failure (refused, unknown host, bad port): the reason is in its cause.
    const cause = error.cause as { code?: string; message?: string } | undefined;
    out.error(
      undefined,
      `cannot reach the gateway: ${cause?.code ?? cause?.message ?? 'no answer'} (--url, IDP_API_URL)`,
    );
    return ExitCodes.failed;
  }
  out.error(undefined, error instanceof Error ? error.message : String(error));
  return ExitCodes.failed;
}

function detailsHint(error: ApiError): string | undefined {
  if (!error.details) return undefined;
  const text = JSON.stringify(error.details);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
