// Hand-run benchmark (not a test): the REST pipeline (edge → auth cached, rate limit leased → platform,
// `GET /api/v1/teams`) with every service on Node.js, then on Deno, in alternating rounds, measured by
// wrk (Debian package `wrk`) on 127.0.0.1. Both runtimes run the same build output (`dist/`), with the
// limits of config/gateway.yaml raised so the load is not refused, and every service at LOG_LEVEL=warn.
//   node --conditions=@idp/source --import tsx tools/deno/src/rest-bench.ts
//   (WRK_SECONDS, WRK_CONNECTIONS, BENCH_ROUNDS change the load and the number of rounds)
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_JWT_SECRET } from '@idp/contracts';
import {
  freePort,
  mintToken,
  type Runtime,
  runOnce,
  SETUP_ENTRY,
  type ServiceProcess,
  startNatsServer,
  startServiceProcess,
} from '@idp/testing';
import { parse, stringify } from 'yaml';

const SECONDS = Number(process.env.WRK_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.WRK_CONNECTIONS ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const root = new URL('../../../', import.meta.url).pathname;
const SERVICES = ['auth', 'ratelimit', 'platform', 'edge'] as const;

interface Result {
  runtime: Runtime;
  rps: number;
  p99: string;
  non2xx: number;
}

/** config/gateway.yaml with every rate limit still checked but too high for the load to reach. */
async function benchConfig(dir: string): Promise<string> {
  const config = parse(await readFile(join(root, 'config', 'gateway.yaml'), 'utf8'));
  const high = { requests_per_minute: 100_000_000 };
  Object.assign(config.rate_limits, {
    global: high,
    per_user: high,
    per_tenant: high,
    tiers: {},
    by_endpoint: {},
  });
  const path = join(dir, 'gateway.yaml');
  await writeFile(path, stringify(config));
  return path;
}

function wrk(url: string, token: string) {
  const args = [
    '-H',
    `authorization: Bearer ${token}`,
    '-t2',
    `-c${CONNECTIONS}`,
    `-d${SECONDS}s`,
    '--latency',
    url,
  ];
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p99: /99%\s+([\d.]+\w+)/.exec(out)?.[1] ?? '?',
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** One system on `runtime` (its own nats-server), one wrk run against it, then everything stopped. */
async function round(runtime: Runtime, configPath: string): Promise<Result> {
  const nats = await startNatsServer();
  const services: ServiceProcess[] = [];
  try {
    const env = { IDP_CONFIG: configPath, LOG_LEVEL: 'warn', IDP_HTTP_HOST: '127.0.0.1' };
    await runOnce(SETUP_ENTRY, { ...env, ...nats.envFor('setup') }, 60_000, 'built', runtime);
    const httpPort = await freePort();
    for (const name of SERVICES) {
      const port = name === 'edge' ? httpPort : await freePort();
      // The edge is ready on its own listener; the others on their probe port.
      const own: Record<string, string> = {
        [name === 'edge' ? 'IDP_HTTP_PORT' : 'IDP_HEALTH_PORT']: String(port),
      };
      if (name === 'auth') own.IDP_JWT_SECRET = DEV_JWT_SECRET;
      services.push(
        await startServiceProcess({
          name,
          entry: `${root}services/${name}/src/main.ts`,
          env: { ...env, ...nats.envFor(name), ...own },
          readyUrl: `http://127.0.0.1:${port}/readyz`,
          code: 'built',
          runtime,
          readyTimeoutMs: 60_000,
        }),
      );
    }
    const token = await mintToken({ sub: 'bench', tenant: 'bench' });
    const teams = `http://127.0.0.1:${httpPort}/api/v1/teams`;
    const created = await fetch(teams, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    });
    if (created.status !== 201)
      throw new Error(`POST /teams answered ${created.status}: ${await created.text()}`);
    return { runtime, ...wrk(teams, token) };
  } finally {
    await Promise.allSettled(services.map((s) => s.stop()));
    await nats.cleanup();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'idp-deno-bench-'));
try {
  const configPath = await benchConfig(dir);
  const results: Result[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const runtime of ['node', 'deno'] as const) {
      const result = await round(runtime, configPath);
      results.push(result);
      console.log(
        `round ${i + 1} ${runtime}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99}, non-2xx ${result.non2xx}`,
      );
    }
  }
  const mean = (runtime: Runtime) => {
    const own = results.filter((r) => r.runtime === runtime);
    return own.reduce((sum, r) => sum + r.rps, 0) / own.length;
  };
  console.log(`node ${process.version}, wrk -t2 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds each`);
  console.log(
    `mean: node ${mean('node').toFixed(0)} req/s, deno ${mean('deno').toFixed(0)} req/s (${((100 * mean('deno')) / mean('node')).toFixed(0)} %)`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
