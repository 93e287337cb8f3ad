// @ts-check
// The Deno permissions of every program of the system, in one place: which files each may read, where
// it may connect and where it may listen, worked out from the environment it is started with (its
// NATS servers, its credentials, its config, its ports). Nothing else is granted, and `--no-prompt`
// makes a missing permission an error that names it instead of a question on a terminal.
// Plain JavaScript on purpose: `npm run start:deno` (tools/dev/start.mjs, plain Node) and the test
// helpers (libs/testing, by path) both load it.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Files every program may be given: its NATS credentials and TLS material, and the gateway config. */
const COMMON_FILES = ['NATS_CREDS', 'NATS_TLS_CA', 'NATS_TLS_CERT', 'NATS_TLS_KEY', 'IDP_CONFIG'];
/** The certificate and key of a public listener (IDP_TLS_CERT / IDP_TLS_KEY: HTTPS, WSS). */
const LISTENER_TLS_FILES = ['IDP_TLS_CERT', 'IDP_TLS_KEY'];
/** Where spans go when tracing is on: every service may call its collector. */
const TRACING_URLS = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];

/**
 * @typedef {object} Listener
 * @property {string} host  variable holding the listen address
 * @property {string} port  variable holding the port
 * @property {string} defaultHost
 * @property {string} defaultPort
 * @property {string[]} [wildcardSys] `--allow-sys` names it needs when listening on every interface
 *
 * @typedef {object} ProgramPermissions
 * @property {string} code         the program's folder, relative to the repository root
 * @property {string[]} [assets]   other folders of the repository it reads
 * @property {string[]} files      variables naming files it reads
 * @property {string[]} [folders]  variables naming files whose folder it reads (watches)
 * @property {string[]} [directories] variables naming folders it reads
 * @property {string[]} [calls]    variables holding URLs it calls besides NATS
 * @property {Listener[]} [listens] its public listeners
 * @property {boolean} [probe]     whether it serves the probe port (IDP_HEALTH_PORT, on 0.0.0.0)
 * @property {string[]} [sys]      Deno `--allow-sys` names it needs
 * @property {string[]} [env]      the only variables it may read (default: any, see denoPermissions)
 */

/** Listen addresses that mean every interface. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** pino puts the host name in every log line. */
const LOGGER_SYS = ['hostname'];

/** @type {Record<string, ProgramPermissions>} */
export const PROGRAMS = {
  auth: {
    code: 'services/auth',
    // The publisher signing key: auth signs tenant-scoped NATS credentials with it.
    files: [...COMMON_FILES, 'IDP_NATS_PUBLISHER_SEED_FILE'],
    calls: ['IDP_OIDC_ISSUER', 'IDP_OIDC_JWKS_URI', ...TRACING_URLS],
    probe: true,
    sys: LOGGER_SYS,
  },
  ratelimit: {
    code: 'services/ratelimit',
    files: COMMON_FILES,
    // It watches the config's folder to re-read the limits when the file is replaced.
    folders: ['IDP_CONFIG'],
    calls: TRACING_URLS,
    probe: true,
    sys: LOGGER_SYS,
  },
  platform: {
    code: 'services/platform',
    files: COMMON_FILES,
    calls: TRACING_URLS,
    probe: true,
    sys: LOGGER_SYS,
  },
  realtime: {
    code: 'services/realtime',
    files: [...COMMON_FILES, ...LISTENER_TLS_FILES],
    calls: TRACING_URLS,
    listens: [{ host: 'IDP_WS_HOST', port: 'IDP_WS_PORT', defaultHost: '0.0.0.0', defaultPort: '8081' }],
    probe: true,
    sys: LOGGER_SYS,
  },
  edge: {
    code: 'services/edge',
    // The web console's pages and the modules they load (IDP_CONSOLE_DIR moves them elsewhere).
    assets: ['tools/console'],
    files: [...COMMON_FILES, ...LISTENER_TLS_FILES],
    directories: ['IDP_CONSOLE_DIR'],
    calls: TRACING_URLS,
    listens: [
      {
        ...{ host: 'IDP_HTTP_HOST', port: 'IDP_HTTP_PORT', defaultHost: '0.0.0.0', defaultPort: '8080' },
        // Fastify logs every interface's address when it listens on all of them.
        wildcardSys: ['networkInterfaces'],
      },
    ],
    probe: true,
    // @fastify/static (the console's files) sizes its queue by the CPU count when it loads.
    sys: [...LOGGER_SYS, 'cpus'],
  },
  /** The one-shot setup step: streams and buckets. */
  setup: { code: 'tools/setup', files: COMMON_FILES, sys: LOGGER_SYS },
  /** examples/deno-publisher: a tenant's backend; reads only its own credentials. */
  'deno-publisher': {
    code: 'examples/deno-publisher',
    files: ['NATS_CREDS'],
    env: ['NATS_URL', 'NATS_CREDS'],
  },
};

/** The program an entry file belongs to (`…/services/edge/dist/main.js` → `edge`). */
export function programOf(entry) {
  const path = resolve(entry).replaceAll('\\', '/');
  const found = Object.entries(PROGRAMS).find(([, program]) => path.includes(`/${program.code}/`));
  if (!found) throw new Error(`${entry} belongs to no program that tools/deno/permissions.mjs knows`);
  return found[0];
}

/** `host` and `host:port` of a URL, for `--allow-net`; `localhost` also as the address it resolves to. */
function netHosts(url, withPort) {
  let parsed;
  try {
    parsed = new URL(url.trim().replace(/^(nats|tls|ws|wss):/, 'http:'));
  } catch {
    throw new Error(`not a URL: ${url}`);
  }
  const names = parsed.hostname === 'localhost' ? ['localhost', '127.0.0.1', '[::1]'] : [parsed.hostname];
  if (!withPort) return names;
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return names.map((name) => `${name}:${port}`);
}

/**
 * `--allow-net`: its NATS servers (any port of their hosts: a cluster announces its other members),
 * the URLs it calls, and exactly the addresses and ports it listens on.
 * @param {ProgramPermissions} program
 * @param {Record<string, string | undefined>} env
 */
function netPermission(program, env) {
  const nats = (env.NATS_URL || 'nats://127.0.0.1:4222').split(',').filter((url) => url.trim());
  const hosts = nats.flatMap((url) => netHosts(url, false));
  for (const name of program.calls ?? []) if (env[name]) hosts.push(...netHosts(env[name], true));
  for (const listener of program.listens ?? []) {
    hosts.push(`${env[listener.host] || listener.defaultHost}:${env[listener.port] || listener.defaultPort}`);
  }
  if (program.probe && env.IDP_HEALTH_PORT) hosts.push(`0.0.0.0:${env.IDP_HEALTH_PORT}`);
  return [...new Set(hosts)];
}

/**
 * `--allow-read`: its own code, the libraries and dependencies it loads, and the files its
 * environment names (resolved against `cwd`, as the program resolves them).
 * @param {ProgramPermissions} program
 * @param {Record<string, string | undefined>} env
 * @param {string} root the repository root
 * @param {string} cwd
 */
function readPermission(program, env, root, cwd) {
  const own = [program.code, ...(program.assets ?? []), 'libs', 'node_modules', 'package.json'];
  const paths = own.map((path) => resolve(root, path));
  const file = (name) => resolve(cwd, env[name] || (name === 'IDP_CONFIG' ? 'config/gateway.yaml' : ''));
  for (const name of program.files) if (env[name] || name === 'IDP_CONFIG') paths.push(file(name));
  for (const name of program.folders ?? []) paths.push(dirname(file(name)));
  for (const name of program.directories ?? []) if (env[name]) paths.push(file(name));
  return [...new Set(paths)];
}

/**
 * The permission flags of one program for the environment it will run with.
 * @param {string} name a key of PROGRAMS
 * @param {Record<string, string | undefined>} env
 * @param {{ root: string, cwd?: string }} where
 */
export function denoPermissions(name, env, { root, cwd = root }) {
  const program = PROGRAMS[name];
  if (!program) throw new Error(`no Deno permissions for ${name}: add it to tools/deno/permissions.mjs`);
  const flags = [
    '--no-prompt',
    `--allow-net=${netPermission(program, env).join(',')}`,
    `--allow-read=${readPermission(program, env, root, cwd).join(',')}`,
    // A service's configuration is environment variables (README), all read and validated at start.
    program.env ? `--allow-env=${program.env.join(',')}` : '--allow-env',
  ];
  const sys = [...(program.sys ?? [])];
  for (const listener of program.listens ?? []) {
    if (WILDCARDS.has(env[listener.host] || listener.defaultHost)) sys.push(...(listener.wildcardSys ?? []));
  }
  if (sys.length) flags.push(`--allow-sys=${sys.join(',')}`);
  return flags;
}

/**
 * `deno run` of an entry file with its program's permissions, resolving packages from the
 * repository's own node_modules (npm workspaces: the libraries' build output), never downloading.
 * @param {string} entry absolute path of a built `.js` file (or the example's `.ts`)
 * @param {Record<string, string | undefined>} env
 * @param {{ root: string, cwd?: string }} where
 */
export function denoArguments(entry, env, where) {
  return ['run', '--node-modules-dir=manual', ...denoPermissions(programOf(entry), env, where), entry];
}

/** The Deno binary of the npm `deno` package (a dev dependency): never one from elsewhere. */
export function denoBinary(root) {
  const candidates = [
    resolve(root, 'node_modules', 'deno', 'deno'),
    resolve(root, 'node_modules', '@deno', `${process.platform}-${process.arch}-glibc`, 'deno'),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`no Deno binary in node_modules (${candidates.join(', ')}): run npm install`);
  return found;
}
