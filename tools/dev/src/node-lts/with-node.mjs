// `node tools/dev/src/node-lts/with-node.mjs <major> -- <command> [args…]`: runs the command with the
// official Node.js <major> (install-node.mjs: from the npm registry, cached) first on PATH, so the
// command, npm (its shebang is `env node`) and every `node` they start run on that version. The exit
// code is the command's; SIGINT, SIGTERM and SIGHUP are passed on to it, and a command killed by a
// signal ends this process with the same signal. The binaries are kept in .cache/node/<major>, or
// under IDP_NODE_CACHE_DIR (a CI cache, a test's own folder). Plain Node.js: it runs before `npm ci`.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter, relative } from 'node:path';
import { ensureNode, NodeLtsError, parseMajor } from './install-node.mjs';

const USAGE =
  'usage: node tools/dev/src/node-lts/with-node.mjs <major> -- <command> [args…]   (e.g. 24 -- npm test)';
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** The shell's convention for "command not found". */
const NOT_FOUND_EXIT = 127;

function parseArgs(argv) {
  const separator = argv.indexOf('--');
  if (separator !== 1 || argv.length < 3) throw new NodeLtsError('USAGE', USAGE);
  return { major: parseMajor(argv[0]), command: argv[2], args: argv.slice(3) };
}

function say(line) {
  process.stderr.write(`[with-node] ${line}\n`);
}

function runWith(binary, command, args) {
  const env = {
    ...process.env,
    PATH: [binary.binDir, process.env.PATH].filter(Boolean).join(delimiter),
    // npm records the node it runs on here; a parent npm on another version must not leak through.
    NODE: binary.node,
    npm_node_execpath: binary.node,
  };
  const child = spawn(command, args, { stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  child.on('error', (error) => {
    say(`cannot run '${command}': ${error.message}`);
    process.exit(error.code === 'ENOENT' ? NOT_FOUND_EXIT : 1);
  });
  child.on('exit', (code, signal) => {
    for (const name of FORWARDED) process.off(name, forward);
    if (!signal) process.exit(code ?? 1);
    // Ended by a signal: end the same way, so whoever started us sees what happened.
    if (FORWARDED.includes(signal)) process.kill(process.pid, signal);
    else process.exit(128 + (constants.signals[signal] ?? 0));
  });
}

try {
  const { major, command, args } = parseArgs(process.argv.slice(2));
  const binary = await ensureNode({
    major,
    cacheDir: process.env.IDP_NODE_CACHE_DIR || undefined,
    onDownload: (spec, dir) =>
      say(`downloading ${spec} from the npm registry into ${relative(process.cwd(), dir)}…`),
  });
  const where = relative(process.cwd(), binary.binDir) || binary.binDir;
  say(
    `Node v${binary.version}${binary.installed ? ' (downloaded now)' : ''} from ${where}: ${[command, ...args].join(' ')}`,
  );
  runWith(binary, command, args);
} catch (error) {
  if (!(error instanceof NodeLtsError)) throw error;
  say(error.message);
  process.exit(error.code === 'USAGE' || error.code === 'BAD_MAJOR' ? 2 : 1);
}
