// Hand-run benchmark (not a test): the edge's response cache. The same reads through the full
// pipeline (auth cached, rate limit leased, edge → platform) with `Cache-Control: no-cache` (every
// request goes to the platform) and without it (served from the edge's cache), against the 1-hop
// floor of design.md §8 measured in the same run, with wrk (Debian package `wrk`) on 127.0.0.1.
//   npm run -w @idp/bench cache     (WRK_SECONDS, WRK_CONNECTIONS change the load)
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

interface WrkResult {
  rps: number;
  p99: string;
  non2xx: number;
}

function wrk(url: string, headers: Record<string, string> = {}): WrkResult {
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url];
  for (const [k, v] of Object.entries(headers)) args.unshift('-H', `${k}: ${v}`);
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p99: /99%\s+([\d.]+\w+)/.exec(out)?.[1] ?? '?',
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
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
const hopPort = await freePort();
const edgePort = await freePort();
const fixtures = [
  await startFixture('nats-responder.ts', nats.envFor('test')),
  await startFixture('one-hop-server.ts', { PORT: String(hopPort), ...nats.envFor('test') }),
];
const env = { LOG_LEVEL: 'info', IDP_CONFIG: benchConfig };
const entry = (s: string) => `${root}services/${s}/src/main.ts`;
const services = [];
for (const name of ['auth', 'ratelimit', 'platform'] as const) {
  const own = { ...env, ...nats.envFor(name), ...(name === 'auth' && { IDP_JWT_SECRET: DEV_JWT_SECRET }) };
  services.push(await startServiceProcess({ name, entry: entry(name), env: own }));
}
// At warn, as in the REST pipeline benchmark: no access-log line per request.
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
const base = `http://127.0.0.1:${edgePort}/api/v1`;
await waitFor(() => fetch(`http://127.0.0.1:${edgePort}/readyz`).then((r) => r.ok), { timeoutMs: 30_000 });
const token = await mintToken({ sub: 'bench', tenant: 'bench' });
const auth = { authorization: `Bearer ${token}` };
const post = async (path: string, body: unknown) =>
  (
    await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json() as Promise<{ data: { id: string } }>;
const team = (await post('/teams', { name: 'bench' })).data.id;
for (let i = 0; i < 20; i++) await post('/applications', { name: `bench-${i}`, team_id: team });
const appId = (await post('/applications', { name: 'bench-one', team_id: team })).data.id;

const noCache = { ...auth, 'cache-control': 'no-cache' };
wrk(`${base}/applications/${appId}`, noCache); // warm-up: JIT, leases, auth cache
const oneHop = wrk(`http://127.0.0.1:${hopPort}/`);
const rows: [string, WrkResult][] = [
  ['node:http → 1 NATS request → responder (floor)', oneHop],
  [
    'GET /applications/:id, `Cache-Control: no-cache` (to the platform)',
    wrk(`${base}/applications/${appId}`, noCache),
  ],
  ['GET /applications/:id, cached', wrk(`${base}/applications/${appId}`, auth)],
  ['GET /applications (21 items), `no-cache`', wrk(`${base}/applications`, noCache)],
  ['GET /applications (21 items), cached', wrk(`${base}/applications`, auth)],
];
const last = await fetch(`${base}/applications`, { headers: auth });
if (last.headers.get('x-cache-status') !== 'HIT')
  process.stdout.write('warning: the last read was not a hit\n');

printMachine();
process.stdout.write(
  `wrk -t2 -c${CONNECTIONS} -d${SECONDS}s, loopback\n\n| path | req/s | p99 | non-2xx | vs 1-hop floor |\n| --- | --- | --- | --- | --- |\n`,
);
for (const [name, r] of rows) {
  process.stdout.write(
    `| ${name} | ${r.rps.toFixed(0)} | ${r.p99} | ${r.non2xx} | ${((r.rps / oneHop.rps) * 100).toFixed(0)} % |\n`,
  );
}
edge.kill('SIGTERM');
for (const s of services.reverse()) await s.stop();
for (const f of fixtures) f.kill('SIGTERM');
await stopBenchNats(nats);
