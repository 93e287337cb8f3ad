// `idp`: wires the commands to the process (argv, environment, stdout/stderr, exit code).
import { runCli } from './cli/run.js';
import { COMMANDS } from './commands/index.js';

process.exitCode = await runCli(COMMANDS, {
  argv: process.argv.slice(2),
  env: process.env,
  streams: { stdout: process.stdout, stderr: process.stderr },
});
