// Realtime benchmark (run by hand, not a test): fan-out throughput with 1,000 and 5,000 clients, RSS
// per idle connection, and reconnect-to-caught-up time for 1,000 missed events, next to a bare `ws`
// broadcast server measured in the same run. Everything on 127.0.0.1; every wait is bounded.
// node --conditions=@idp/source --import tsx tools/bench/src/realtime-bench.ts [clients...]
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DEV_JWT_SECRET, RpcSubjects } from '@idp/contracts';
import { encodeJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { freePort, mintToken } from '@idp/testing';
import WebSocket from 'ws';
import { writeRealtimeBenchConfig } from './bench-config.js';
import { connectBench, startBenchNats, stopBenchNats } from './bench-nats.js';

const root = new URL('../../../', import.meta.url).pathname;
const here = new URL('./', import.meta.url).pathname;
const tsx = ['--conditions=@idp/source', '--import', 'tsx'];
const logger = createLogger({ service: 'bench', level: 'warn' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const CLIENTS = sizes.length ? sizes : [1_000, 5_000];
const DELIVERIES = 2_000_000;

async function until(probe: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > end) throw new Error(`bench: ${what} not reached within ${ms} ms`);
    await sleep(50);
  }
}
const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const httpOk = (url: string) =>
  fetch(url).then(
    (r) => r.status < 500,
    () => false,
  );

const config = await writeRealtimeBenchConfig(root);
const nats = await startBenchNats(config);
const nc = await connectBench(nats, logger);
const env = { ...process.env, IDP_CONFIG: config, LOG_LEVEL: 'warn' };
const children: ChildProcess[] = [];
const start = (entry: string, extra: Record<string, string> = {}, args: string[] = []) => {
  const child = spawn(process.execPath, [...tsx, entry, ...args], {
    env: { ...env, ...extra },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
};

try {
  // HS256 is on only with a secret: the bench's tokens are signed with the development one.
  start(`${root}services/auth/src/main.ts`, { ...nats.envFor('auth'), IDP_JWT_SECRET: DEV_JWT_SECRET });
  await until(
    () => nc.request(RpcSubjects.authenticate, encodeJson({}), { timeout: 500 }).then(() => true),
    30_000,
    'auth',
  );
  // Fresh server processes per measurement, so idle memory is measured before any traffic.
  const servers = async () => {
    const wsPort = await freePort();
    const realtime = start(`${root}services/realtime/src/main.ts`, {
      ...nats.envFor('realtime'),
      IDP_WS_PORT: String(wsPort),
      IDP_WS_HOST: '127.0.0.1',
    });
    const barePort = await freePort();
    const bare = start(`${here}bare-ws-server.ts`, {}, [String(barePort)]);
    await until(() => httpOk(`http://127.0.0.1:${wsPort}/readyz`), 30_000, 'realtime');
    await until(() => httpOk(`http://127.0.0.1:${barePort}/`), 30_000, 'bare ws');
    return { wsPort, realtime, barePort, bare };
  };
  const token = await mintToken({ sub: 'bench', tenant: 'bench', expiresInSeconds: 3600 });
  const results: Record<string, unknown>[] = [];

  let wsPort = 0;
  for (const clients of CLIENTS) {
    const messages = Math.round(DELIVERIES / clients);
    for (const target of ['bare', 'realtime'] as const) {
      const fresh = await servers();
      const { barePort, bare, realtime } = fresh;
      wsPort = fresh.wsPort;
      const pid = target === 'bare' ? bare.pid! : realtime.pid!;
      const url = target === 'bare' ? `ws://127.0.0.1:${barePort}` : `ws://127.0.0.1:${wsPort}/ws/v1`;
      await sleep(1_000);
      const before = rssKb(pid);
      const load = fork(`${here}bench-clients.ts`, [url, String(clients), target, token], { execArgv: tsx });
      children.push(load);
      let last: { received: number; first: number; last: number } = { received: 0, first: 0, last: 0 };
      load.on('message', (m: { ready?: boolean; received?: number }) => {
        if (m.received !== undefined) last = m as typeof last;
      });
      await new Promise<void>((resolve, reject) => {
        load.once('message', () => resolve());
        load.once('exit', (code) => reject(new Error(`bench clients exited with ${code}`)));
      });
      await sleep(2_000);
      const idleKb = (rssKb(pid) - before) / clients;
      if (target === 'bare') {
        await fetch(`http://127.0.0.1:${barePort}/broadcast?count=${messages}&batch=50`, { method: 'POST' });
      } else {
        for (let i = 0; i < messages; i++) {
          nc.publish(
            'idp.evt.bench.user.bench.notifications',
            encodeJson({ event: 'bench', data: { n: i } }),
          );
          if (i % 50 === 49) await new Promise((r) => setImmediate(r));
        }
        await nc.flush();
      }
      await until(
        async () => {
          load.send({ cmd: 'count' });
          await sleep(200);
          return last.received >= clients * messages;
        },
        120_000,
        `${target} deliveries`,
      );
      const seconds = (last.last - last.first) / 1000;
      const rate = Math.round(last.received / seconds);
      results.push({
        target,
        clients,
        messages,
        deliveries: last.received,
        seconds: +seconds.toFixed(2),
        msgs_per_s: rate,
        idle_kb_per_conn: +idleKb.toFixed(1),
      });
      console.log(JSON.stringify(results.at(-1)));
      load.send({ cmd: 'close' });
      await new Promise((r) => load.once('exit', r));
      if (target === 'bare' || clients !== CLIENTS.at(-1)) realtime.kill('SIGTERM');
      bare.kill('SIGTERM');
    }
  }

  // Reconnect → caught up, for 1,000 events missed while away.
  const catchUp: number[] = [];
  const js = (await import('@nats-io/jetstream')).jetstream(nc);
  for (let round = 0; round < 5; round++) {
    const topicSubject = 'idp.evt.bench.user.bench.notifications';
    const last = await js.publish(topicSubject, encodeJson({ event: 'bench', data: { mark: round } }));
    await Promise.all(
      Array.from({ length: 1_000 }, (_, n) =>
        js.publish(topicSubject, encodeJson({ event: 'bench', data: { n } })),
      ),
    );
    const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/ws/v1`);
    let got = 0;
    const t0 = performance.now();
    const ms = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('catch-up timed out')), 30_000);
      ws.on('open', () => {
        ws.send(JSON.stringify({ type: 'auth', token }));
        ws.send(JSON.stringify({ type: 'subscribe', topics: ['user:notifications'], since: last.seq }));
      });
      ws.on('message', (data) => {
        if (data.toString().startsWith('{"type":"event"') && ++got === 1_000) {
          clearTimeout(timer);
          resolve(performance.now() - t0);
        }
      });
    });
    ws.terminate();
    catchUp.push(ms);
  }
  catchUp.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      catch_up_1000_ms: {
        median: +catchUp[2]!.toFixed(1),
        min: +catchUp[0]!.toFixed(1),
        max: +catchUp[4]!.toFixed(1),
      },
    }),
  );
} finally {
  for (const child of children) child.kill('SIGKILL');
  await nc.close();
  await stopBenchNats(nats);
}
