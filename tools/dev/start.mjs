// `npm start`: the whole system on one machine. Installs dependencies when missing, makes the NATS
// operator-mode setup in IDP_NATS_DIR (default .data/nats) once, starts an embedded nats-server from it
// when NATS_URL answers nothing (or answers without authentication), runs the setup step, starts every
// service with its own NATS credentials and prefixed logs, waits for each one's readiness probe (never a
// log line, so any LOG_LEVEL works), prints where things are, and stops everything on Ctrl-C.
// Development has the production shape: NATS refuses anyone without credentials.
// Plain Node.js on purpose: it runs before `npm install` has happened.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { denoArguments, denoBinary } from '../deno/permissions.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const natsDir = resolve(root, process.env.IDP_NATS_DIR || join('.data', 'nats'));
const storeDir = resolve(root, process.env.IDP_NATS_STORE_DIR || join('.data', 'nats-store'));
/** The development secret of @idp/contracts (DEV_JWT_SECRET): `npm run token` signs with it. */
const DEV_JWT_SECRET = 'idp-dev-secret-do-not-use-in-production';
const TSX = ['--conditions=@idp/source', '--import', 'tsx'];
/** `node` (default: TypeScript source through tsx) or `deno` (`npm run start:deno`: build output, Deno). */
const RUNTIME = process.env.IDP_RUNTIME || 'node';
const ORDER = ['auth', 'ratelimit', 'platform', 'realtime', 'edge'];
const COLORS = [36, 35, 33, 32, 34, 31];
const READY_TIMEOUT_MS = 60_000;
const PROBE_INTERVAL_MS = 200;
const TAIL_LINES = 20;
const children = new Map();
/** The last lines of each child's output, for the message when it fails to start. */
const recent = new Map();
/** Services between launch and ready: their failure is reported by startService, not by the exit handler. */
const starting = new Set();
/** Each ready service's readiness URL, for the welcome. */
const probeUrls = new Map();
let stopping = false;

const say = (line) => process.stdout.write(`\x1b[1m[start]\x1b[0m ${line}\n`);

function ensureDependencies() {
  if (existsSync(join(root, 'node_modules', '.bin', 'tsx'))) return;
  say('installing dependencies (npm install)…');
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

function canConnect(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function findNatsServer() {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/bin']) {
    if (dir && existsSync(join(dir, 'nats-server'))) return join(dir, 'nats-server');
  }
  return undefined;
}

function installNatsServer() {
  if (process.getuid?.() !== 0) {
    say(
      'nats-server is not installed. Install it (e.g. `sudo apt-get install -y nats-server`) or set NATS_URL.',
    );
    process.exit(1);
  }
  say('installing nats-server (apt-get)…');
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', 'nats-server'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return findNatsServer();
}

/** The INFO line a nats-server sends first; undefined when nothing answers like one. */
function serverInfo(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let buffered = '';
    const done = (info) => {
      socket.destroy();
      resolve(info);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.on('data', (chunk) => {
      buffered += chunk;
      const line = buffered.split('\r\n')[0];
      if (!buffered.includes('\r\n')) return;
      try {
        done(line.startsWith('INFO ') ? JSON.parse(line.slice(5)) : undefined);
      } catch {
        done(undefined);
      }
    });
    socket.once('error', () => done(undefined));
  });
}

/** Keys, config and one .creds per service, made once (`npm run nats:setup`); refreshed from the keys. */
function ensureNatsSetup() {
  execFileSync(process.execPath, [...TSX, join('tools', 'setup', 'src', 'nats-setup.ts'), natsDir], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  say(`NATS operator setup and per-service credentials in ${natsDir}`);
}

async function ensureNats(env) {
  // NATS_URL may list a cluster's servers: the first one tells whether NATS is there and how it is set up.
  const first = env.NATS_URL.split(',')[0].trim();
  const url = new URL(first.replace(/^nats:/, 'http:'));
  const host = url.hostname;
  const port = Number(url.port || 4222);
  const info = await serverInfo(host, port);
  if (info?.auth_required) {
    say(`using NATS at ${env.NATS_URL} (started from ${natsDir}/nats-server.conf, we assume)`);
    return;
  }
  if (info && process.env.NATS_URL) {
    fatal(
      `NATS at ${env.NATS_URL} accepts anyone (no authentication). Run it from the operator setup:\n` +
        `  nats-server -c ${natsDir}/nats-server.conf -p ${port} -sd <store dir>\n` +
        'or unset NATS_URL to get an embedded server.',
    );
    return new Promise(() => {});
  }
  if (info) say(`NATS at ${env.NATS_URL} has no authentication: starting our own instead`);
  const binary = findNatsServer() ?? installNatsServer();
  const local = host === '127.0.0.1' || host === 'localhost';
  const embeddedPort = local && !(await canConnect('127.0.0.1', port)) ? port : await freePort();
  const monitorPort = await freePort();
  mkdirSync(storeDir, { recursive: true });
  env.NATS_URL = `nats://127.0.0.1:${embeddedPort}`;
  env.NATS_MONITOR = `http://127.0.0.1:${monitorPort}`;
  say(`starting an embedded nats-server in operator mode on ${env.NATS_URL} (data in ${storeDir})`);
  // -a binds the client and the monitoring ports to loopback only.
  const args = ['-c', join(natsDir, 'nats-server.conf'), '-a', '127.0.0.1', '-p', String(embeddedPort)];
  launch('nats', binary, [...args, '-m', String(monitorPort), '-sd', storeDir], env);
  const deadline = Date.now() + 10_000;
  while (!(await canConnect('127.0.0.1', embeddedPort))) {
    if (Date.now() > deadline) fatal('the embedded nats-server did not start within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function discoverServices() {
  const names = readdirSync(join(root, 'services')).filter((name) =>
    existsSync(join(root, 'services', name, 'src', 'main.ts')),
  );
  const rank = (name) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length - 1.5);
  return names.sort((a, b) => rank(a) - rank(b));
}

function launch(name, command, args, env) {
  const color = COLORS[children.size % COLORS.length];
  const prefix = `\x1b[${color}m[${name.padEnd(10)}]\x1b[0m `;
  // Own process group: a terminal's Ctrl-C reaches only this script, which then stops the services
  // before NATS, so they can drain instead of losing the server mid-shutdown.
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.set(name, child);
  const tail = [];
  recent.set(name, tail);
  say(`started ${name} (pid ${child.pid})`);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        process.stdout.write(`${prefix}${line}\n`);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping && !starting.has(name)) {
      say(
        `\x1b[31m${name} exited unexpectedly (${signal ?? code}); stopping everything\x1b[0m${lastOutput(name)}`,
      );
      void stopAll(1);
    }
  });
  return child;
}

function lastOutput(name) {
  const lines = recent.get(name) ?? [];
  if (lines.length === 0) return `\n${name} printed nothing (LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'})`;
  return `\nthe last lines of ${name}:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/** The environment of one service: its own NATS credentials; secrets only to the service that needs them. */
function serviceEnv(name, env) {
  const own = { ...env, NATS_CREDS: join(natsDir, 'creds', `${name}.creds`) };
  delete own.IDP_JWT_SECRET;
  delete own.IDP_AUTH_ENCRYPTION_KEY;
  if (name === 'auth') {
    own.IDP_JWT_SECRET = process.env.IDP_JWT_SECRET || DEV_JWT_SECRET;
    if (process.env.IDP_AUTH_ENCRYPTION_KEY)
      own.IDP_AUTH_ENCRYPTION_KEY = process.env.IDP_AUTH_ENCRYPTION_KEY;
    own.IDP_NATS_PUBLISHER_SEED_FILE = join(natsDir, 'keys', 'publisher-signer.nk');
  }
  return own;
}

/** The setup step: every stream and KV bucket, created by the `setup` NATS user before any service. */
function runSetupStep(env) {
  return new Promise((resolve, reject) => {
    const child = launch('setup', process.execPath, [...TSX, join('tools', 'setup', 'src', 'main.ts')], {
      ...serviceEnv('setup', env),
    });
    child.removeAllListeners('exit');
    child.once('exit', (code) => {
      children.delete('setup');
      code === 0
        ? resolve()
        : reject(new Error(`the setup step failed (exit ${code})${lastOutput('setup')}`));
    });
  });
}

/** Where a service answers `GET /readyz`: its probe port (IDP_HEALTH_PORT), plain HTTP even under TLS. */
const readinessUrl = (own) => `http://127.0.0.1:${own.IDP_HEALTH_PORT}/readyz`;

/** One `GET` of a readiness URL: `{ status, body }`, or `{ error }` when nothing answers (bounded). */
function probe(url) {
  return new Promise((resolve) => {
    const request = get(url, { timeout: 2_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        body = (body + chunk).slice(0, 500);
      });
      response.on('end', () => resolve({ status: response.statusCode, body }));
      response.on('error', (error) => resolve({ error: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 2 s')));
    request.on('error', (error) => resolve({ error: error.code ?? error.message }));
  });
}

/** Polls the readiness URL until it answers 200; fails when the process exits or after READY_TIMEOUT_MS. */
async function waitUntilReady(name, child, url) {
  const closed = new Promise((resolve) => child.once('close', (code, signal) => resolve(signal ?? code)));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'nothing yet';
  while (true) {
    const outcome = await Promise.race([probe(url), closed.then((exit) => ({ exit }))]);
    if ('exit' in outcome)
      throw new Error(`${name} exited (${outcome.exit}) before it was ready${lastOutput(name)}`);
    if (outcome.status === 200) return;
    last = outcome.error ?? `${outcome.status} ${outcome.body}`;
    if (Date.now() >= deadline) {
      throw new Error(
        `${name} did not become ready within ${READY_TIMEOUT_MS / 1000} s (GET ${url}: ${last})${lastOutput(name)}`,
      );
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS)), closed]);
  }
}

/**
 * How a service runs: Node runs its TypeScript source through tsx; Deno runs its build output with the
 * permissions tools/deno/permissions.mjs gives that service for its environment, and nothing more.
 */
function serviceCommand(name, own) {
  if (RUNTIME === 'node') return [process.execPath, [...TSX, join('services', name, 'src', 'main.ts')]];
  const entry = join(root, 'services', name, 'dist', 'main.js');
  return [denoBinary(root), denoArguments(entry, own, { root })];
}

/** Deno runs the build output: the services and their libraries are built first (cached by Nx). */
function ensureRuntime() {
  if (RUNTIME === 'node') return;
  if (RUNTIME !== 'deno') {
    say(`IDP_RUNTIME=${RUNTIME}: expected node or deno`);
    process.exit(1);
  }
  say('building the services for Deno (nx run-many -t build --projects=tag:type:service)…');
  execFileSync(
    join(root, 'node_modules', '.bin', 'nx'),
    ['run-many', '-t', 'build', '--projects=tag:type:service'],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    },
  );
}

async function startService(name, env) {
  // A probe port of its own for each service (one set in the shell would be taken by the first).
  const own = { ...serviceEnv(name, env), IDP_HEALTH_PORT: String(await freePort()) };
  const url = readinessUrl(own);
  starting.add(name);
  try {
    const [command, args] = serviceCommand(name, own);
    const child = launch(name, command, args, own);
    await waitUntilReady(name, child, url);
    probeUrls.set(name, url);
    say(`${name} is ready (pid ${child.pid}, ${url})`);
  } finally {
    starting.delete(name);
  }
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  const order = [...children.keys()].reverse();
  for (const name of order) {
    const child = children.get(name);
    if (!child) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  process.exit(code);
}

function fatal(message) {
  say(`\x1b[31m${message}\x1b[0m`);
  void stopAll(1);
}

function printWelcome(env, services) {
  const http = `http://127.0.0.1:${env.IDP_HTTP_PORT}`;
  const lines = [
    '',
    `REST API     ${http}/api/v1        (OpenAPI: ${http}/api/v1/openapi.json)`,
    `health       ${http}/healthz  ${http}/readyz  (Prometheus /metrics: each service's probe port, IDP_HEALTH_PORT)`,
    ...[...probeUrls].map(
      ([name, url], i) => `${i === 0 ? 'readiness   ' : '            '} ${name.padEnd(10)} ${url}`,
    ),
    ...(services.includes('realtime') ? [`WebSocket    ws://127.0.0.1:${env.IDP_WS_PORT}/ws/v1`] : []),
    ...(RUNTIME === 'deno' ? ['runtime      every service under Deno (tools/deno/permissions.mjs)'] : []),
    `NATS         ${env.NATS_URL}  (credentials in ${natsDir}/creds${env.NATS_MONITOR ? `; monitoring ${env.NATS_MONITOR}` : ''})`,
    '',
    'get a token: TOKEN=$(npm run -s token -- --sub alice --tenant acme --role admin@tenant:acme)',
    `then:        curl -H "Authorization: Bearer $TOKEN" ${http}/api/v1/applications`,
    'publish events as a backend of tenant acme: npm run nats:creds -- --tenant acme --out acme.creds',
    '',
    'Ctrl-C stops everything.',
  ];
  say(`\x1b[32mall services are ready\x1b[0m\n${lines.join('\n')}`);
}

/** The port a listener will have: the default when unset, a free one for `0` ("any"). */
async function knownPort(value, fallback) {
  if (value === '0') return String(await freePort());
  return value || fallback;
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
// However this script ends (an error included), no child outlives it: they run in their own groups.
process.on('exit', () => {
  for (const child of children.values()) child.kill('SIGKILL');
});

ensureDependencies();
ensureRuntime();
ensureNatsSetup();
const env = {
  ...process.env,
  NATS_URL: process.env.NATS_URL || 'nats://127.0.0.1:4222',
  // Known ports: the welcome prints both.
  IDP_HTTP_PORT: await knownPort(process.env.IDP_HTTP_PORT, '8080'),
  IDP_WS_PORT: await knownPort(process.env.IDP_WS_PORT, '8081'),
};
await ensureNats(env);
const services = discoverServices();
try {
  await runSetupStep(env);
  for (const name of services) await startService(name, env);
  printWelcome(env, services);
} catch (error) {
  // Ctrl-C during the start stops the services on purpose: that is no failure to report.
  if (!stopping) fatal(error.message);
}
