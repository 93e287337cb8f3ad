// Hand-run benchmark (not a test) of rate limiting: (A) a lease round trip to the ratelimit service,
// i.e. what a check costs when it must ask (cold counter, no lease), with one and two instances;
// (B) a check at the edge in steady state, served from leased tokens; (C) REST requests through a
// real edge with rate limiting on and off. Loopback only; every loop is bounded in count and time.
//   node --conditions=@idp/source --import tsx tools/bench/src/ratelimit-bench.ts
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_JWT_SECRET, RateLimitSubjects } from '@idp/contracts';
import { callRpc } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { freePort, mintToken, startServiceProcess } from '@idp/testing';
import { natsLeaseTransport } from '../../../services/edge/src/rate-limit/lease-client.js';
import { Limiter } from '../../../services/edge/src/rate-limit/limiter.js';
import type { BucketSpec } from '../../../services/edge/src/rate-limit/policies.js';
import { connectBench, startBenchNats, stopBenchNats } from './bench-nats.js';
import { percentile, printMachine, sequentialLatencies, throughput } from './latency-stats.js';

const SEQUENTIAL = 3_000;
const CONCURRENCY = 32;
const LOAD_SECONDS = 5;
const EDGE_CHECKS = 200_000;
const root = new URL('../../../', import.meta.url).pathname;
const entry = (service: string) => `${root}services/${service}/src/main.ts`;
const BIG = 100_000_000;
const roles = 'roles:\n  admin: ["*:*"]\n';
const limits = `rate_limits:\n  global: {requests_per_minute: ${BIG}}\n  per_user: {requests_per_minute: ${BIG}}\n  per_tenant: {requests_per_minute: ${BIG}}\n  lease_size: 100\n`;

const line = (label: string, samples: number[], rps?: number, concurrency = CONCURRENCY) =>
  process.stdout.write(
    `${label.padEnd(52)} p50 ${percentile(samples, 50).toFixed(3)} ms  p99 ${percentile(samples, 99).toFixed(3)} ms${rps ? `  ${Math.round(rps)}/s (c=${concurrency})` : ''}\n`,
  );

printMachine();
const dir = await mkdtemp(join(tmpdir(), 'idp-rl-bench-'));
const onPath = join(dir, 'on.yaml');
const offPath = join(dir, 'off.yaml');
await writeFile(onPath, roles + limits);
await writeFile(offPath, roles);
const nats = await startBenchNats(onPath);
const ready = { LOG_LEVEL: 'info', IDP_CONFIG: onPath };
const ratelimit = { ...ready, ...nats.envFor('ratelimit') };
const logger = createLogger({ service: 'bench', level: 'silent' });
const nc = await connectBench(nats, logger);
const processes = [await startServiceProcess({ name: 'rl-0', entry: entry('ratelimit'), env: ratelimit })];

// (A) One lease of one token per call: the cost of a check that has to ask.
let n = 0;
const lease = () =>
  callRpc(nc, RateLimitSubjects.lease, {
    buckets: [{ key: `u.m.bench${n++ % 1000}`, limit: BIG, window_ms: 60_000, want: 1 }],
  });
for (const instances of [1, 2]) {
  if (instances === 2)
    processes.push(await startServiceProcess({ name: 'rl-1', entry: entry('ratelimit'), env: ratelimit }));
  await sequentialLatencies(lease, 500);
  line(
    `A lease round trip, ${instances} instance(s), 1000 keys`,
    await sequentialLatencies(lease, SEQUENTIAL),
    await throughput(lease, CONCURRENCY, LOAD_SECONDS),
  );
}

// (B) Steady state at the edge: three counters per request, tokens leased 100 at a time.
const limiter = new Limiter(
  natsLeaseTransport(nc, () => 250),
  {
    leaseSize: () => 100,
    onUnavailable: () => 'allow_local',
    fallbackShare: () => 0.5,
  },
);
const buckets: BucketSpec[] = [
  { name: 'global', key: 'g.m.all', limit: BIG, window_ms: 60_000 },
  { name: 'per_user', key: 'u.m.b', limit: BIG, window_ms: 60_000 },
  { name: 'per_tenant', key: 't.m.b', limit: BIG, window_ms: 60_000 },
];
const started = performance.now();
const checks = await sequentialLatencies(() => limiter.check(buckets), EDGE_CHECKS);
const seconds = (performance.now() - started) / 1000;
line('B edge check from leases (3 counters), 2 instances', checks, EDGE_CHECKS / seconds, 1);

// (C) REST through a real edge process, rate limiting on and off (same auth cache, same backend).
for (const name of ['auth', 'platform'] as const) {
  // HS256 is on only with a secret: the bench's tokens are signed with the development one.
  const env = { ...ready, ...nats.envFor(name), ...(name === 'auth' && { IDP_JWT_SECRET: DEV_JWT_SECRET }) };
  processes.push(await startServiceProcess({ name, entry: entry(name), env }));
}
const token = await mintToken({ sub: 'bench', tenant: 'bench' });
for (const [label, path] of [
  ['off', offPath],
  ['on', onPath],
] as const) {
  const port = await freePort();
  const edge = await startServiceProcess({
    name: `edge-${label}`,
    entry: entry('edge'),
    env: {
      ...ready,
      ...nats.envFor('edge'),
      IDP_CONFIG: path,
      IDP_HTTP_PORT: String(port),
      IDP_HTTP_HOST: '127.0.0.1',
    },
  });
  const get = () =>
    fetch(`http://127.0.0.1:${port}/api/v1/teams`, { headers: { authorization: `Bearer ${token}` } }).then(
      (r) => {
        if (r.status !== 200) throw new Error(`status ${r.status}`);
        return r.arrayBuffer();
      },
    );
  await sequentialLatencies(get, 300);
  line(
    `C REST GET /teams, rate limiting ${label}`,
    await sequentialLatencies(get, SEQUENTIAL),
    await throughput(get, CONCURRENCY, LOAD_SECONDS),
  );
  await edge.stop();
}

await Promise.allSettled(processes.map((p) => p.stop()));
await nc.close();
await stopBenchNats(nats);
