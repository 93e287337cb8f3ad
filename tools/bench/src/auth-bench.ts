// Hand-run benchmark (not a test): what authentication adds to a REST request through the edge,
// with the decision cache (steady state) and without it (every request asks the auth service).
// Everything runs on 127.0.0.1; every loop is bounded in count and time.
//   npm run -w @idp/bench auth
import { DEV_JWT_SECRET, RpcSubjects } from '@idp/contracts';
import { requestJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { freePort, mintToken, startServiceProcess } from '@idp/testing';
import { writeBenchConfig } from './bench-config.js';
import { connectBench, startBenchNats, stopBenchNats } from './bench-nats.js';
import { percentile, printMachine, sequentialLatencies, throughput } from './latency-stats.js';

const SEQUENTIAL = 3_000;
const CONCURRENCY = 32;
const LOAD_SECONDS = 5;
const root = new URL('../../../', import.meta.url).pathname;
const entry = (service: string) => `${root}services/${service}/src/main.ts`;

const config = await writeBenchConfig(root);
const nats = await startBenchNats(config);
const ready = { LOG_LEVEL: 'info', IDP_CONFIG: config };
const services = [
  // HS256 is on only with a secret: the bench's tokens are signed with the development one.
  await startServiceProcess({
    name: 'auth',
    entry: entry('auth'),
    env: { ...ready, ...nats.envFor('auth'), IDP_JWT_SECRET: DEV_JWT_SECRET },
  }),
  await startServiceProcess({
    name: 'platform',
    entry: entry('platform'),
    env: { ...ready, ...nats.envFor('platform') },
  }),
];
const ports = { cached: await freePort(), uncached: await freePort() };
for (const [name, port] of Object.entries(ports)) {
  services.push(
    await startServiceProcess({
      name: `edge-${name}`,
      entry: entry('edge'),
      env: {
        ...ready,
        ...nats.envFor('edge'),
        IDP_HTTP_PORT: String(port),
        IDP_HTTP_HOST: '127.0.0.1',
        IDP_AUTH_CACHE_TTL_MS: name === 'cached' ? '30000' : '0',
      },
    }),
  );
}
const token = await mintToken({ sub: 'bench', tenant: 'bench' });
const get = (port: number) => () =>
  fetch(`http://127.0.0.1:${port}/api/v1/applications`, {
    headers: { authorization: `Bearer ${token}` },
  }).then(async (r) => {
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    await r.arrayBuffer();
  });

const logger = createLogger({ service: 'bench', level: 'warn' });
const nc = await connectBench(nats, logger);
const authenticate = () => requestJson(nc, RpcSubjects.authenticate, { bearer: token });
await sequentialLatencies(authenticate, 300);
const authRoundTrip = await sequentialLatencies(authenticate, SEQUENTIAL);

const rows: string[][] = [];
for (const [name, port] of Object.entries(ports)) {
  await sequentialLatencies(get(port), 300);
  const latencies = await sequentialLatencies(get(port), SEQUENTIAL);
  const rps = await throughput(get(port), CONCURRENCY, LOAD_SECONDS);
  rows.push([
    `GET /api/v1/applications, auth ${name}`,
    percentile(latencies, 50).toFixed(2),
    percentile(latencies, 99).toFixed(2),
    rps.toFixed(0),
  ]);
}
rows.push([
  'authenticate over NATS alone (JWT verify)',
  percentile(authRoundTrip, 50).toFixed(2),
  percentile(authRoundTrip, 99).toFixed(2),
  '',
]);

printMachine();
process.stdout.write(
  `sequential: ${SEQUENTIAL} requests; load: ${CONCURRENCY} concurrent clients for ${LOAD_SECONDS} s\n\n`,
);
process.stdout.write('| path | p50 ms | p99 ms | req/s |\n| --- | --- | --- | --- |\n');
for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`);

await nc.close();
for (const service of services) await service.stop();
await stopBenchNats(nats);
