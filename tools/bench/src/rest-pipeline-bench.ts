// Hand-run benchmark (not a test): the full REST pipeline against the floors of design.md §8,
// measured in the same run with wrk (Debian package `wrk`) on 127.0.0.1:
//   floor 0: bare node:http hello;  floor 1: node:http → one NATS request → a responder process;
//   pipeline: edge (auth cached, rate limits leased) → platform (GET /api/v1/teams).
//   npm run -w @idp/bench rest     (WRK_SECONDS, WRK_CONNECTIONS to change the load)
import { execFileSync, spawn } from 'node:child_process';
import { DEV_JWT_SECRET } from '@idp/contracts';
import { freePort, mintToken, startServiceProcess, waitFor } from '@idp/testing';
import { writeBenchConfig } from './bench-config.js';
import { startBenchNats, stopBenchNats } from './bench-nats.js';
import { printMachine } from './latency-stats.js';

const SECONDS = Number(process.env.WRK_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.WRK_CONNECTIONS ?? 64);
const root = new URL('../../../', import.meta.url).pathname;
const here = new URL('.', import.meta.url).pathname;

function wrk(url: string, headers: Record<string, string> = {}) {
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url];
  for (const [k, v] of Object.entries(headers)) args.unshift('-H', `${k}: ${v}`);
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /99%\s+([\d.]+\w+)/.exec(out)?.[1] ?? '?';
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p99, non2xx };
}

function startFixture(file: string, env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--conditions=@idp/source', '--import', 'tsx', `${here}fixtures/${file}`],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise<typeof child>((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`fixture ${file} exited with ${code}`)));
  });
}

const benchConfig = await writeBenchConfig(root);
const nats = await startBenchNats(benchConfig);
const helloPort = await freePort();
const hopPort = await freePort();
const edgePort = await freePort();
const fixtures = [
  await startFixture('hello-server.ts', { PORT: String(helloPort) }),
  // The floors connect as the `test` user to the same operator-mode server: the same permission checks.
  await startFixture('nats-responder.ts', nats.envFor('test')),
  await startFixture('one-hop-server.ts', { PORT: String(hopPort), ...nats.envFor('test') }),
];
const env = { LOG_LEVEL: 'info', IDP_CONFIG: benchConfig };
const entry = (s: string) => `${root}services/${s}/src/main.ts`;
const services = [];
for (const name of ['auth', 'ratelimit', 'platform'] as const) {
  // HS256 is on only with a secret, for auth alone: the bench's tokens are signed with the dev one.
  const own = { ...env, ...nats.envFor(name), ...(name === 'auth' && { IDP_JWT_SECRET: DEV_JWT_SECRET }) };
  services.push(await startServiceProcess({ name, entry: entry(name), env: own }));
}
// The edge logs one line per request at info; the benchmark measures it at warn, as a production
// fleet shipping access logs elsewhere would, and waits for /healthz instead of the ready line.
const edge = spawn(process.execPath, ['--conditions=@idp/source', '--import', 'tsx', entry('edge')], {
  env: {
    ...process.env,
    ...env,
    ...nats.envFor('edge'),
    LOG_LEVEL: 'warn',
    IDP_HTTP_PORT: String(edgePort),
    IDP_HTTP_HOST: '127.0.0.1',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
  cwd: root,
});
await waitFor(() => fetch(`http://127.0.0.1:${edgePort}/readyz`).then((r) => r.ok), { timeoutMs: 30_000 });
const token = await mintToken({ sub: 'bench', tenant: 'bench' });
const auth = { authorization: `Bearer ${token}` };
await fetch(`http://127.0.0.1:${edgePort}/api/v1/teams`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: '{"name":"bench"}',
});

wrk(`http://127.0.0.1:${edgePort}/api/v1/teams`, auth); // warm-up: JIT, leases, caches
const hello = wrk(`http://127.0.0.1:${helloPort}/`);
const oneHop = wrk(`http://127.0.0.1:${hopPort}/`);
const edgeOnly = wrk(`http://127.0.0.1:${edgePort}/api/v1/users/me/permissions`, auth);
const pipeline = wrk(`http://127.0.0.1:${edgePort}/api/v1/teams`, auth);

printMachine();
process.stdout.write(
  `wrk -t2 -c${CONNECTIONS} -d${SECONDS}s, loopback\n\n| path | req/s | p99 | non-2xx | vs 1-hop floor |\n| --- | --- | --- | --- | --- |\n`,
);
for (const [name, r] of [
  ['bare node:http hello', hello],
  ['node:http → 1 NATS request → responder (floor)', oneHop],
  [
    'edge alone: auth (cached) → rate limit (leased) → answered at the edge (GET /users/me/permissions)',
    edgeOnly,
  ],
  ['edge → auth (cached) → rate limit (leased) → platform GET /teams', pipeline],
] as const) {
  process.stdout.write(
    `| ${name} | ${r.rps.toFixed(0)} | ${r.p99} | ${r.non2xx} | ${((r.rps / oneHop.rps) * 100).toFixed(0)} % |\n`,
  );
}
edge.kill('SIGTERM');
for (const s of services.reverse()) await s.stop();
for (const f of fixtures) f.kill('SIGTERM');
await stopBenchNats(nats);
