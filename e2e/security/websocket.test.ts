// Finding 8 (issue 9): the WebSocket endpoint, attacked through its public protocol. Re-authenticating
// as a weaker role kept every topic; any site's page could connect; nothing capped connections per
// address, principal or instance; each subscribe could cost 100 platform requests, every time; a resume
// created one JetStream consumer per topic at once; a resume waited for a replay slot without bound;
// the queue of frames waiting behind a slow one grew without bound. Each test reproduces one attack
// against real processes and fails on the code that landed before the issue.
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCodes, EventSubjects, RpcSubjects, Streams } from '@idp/contracts';
import { freePort, mintToken, type ServiceProcess } from '@idp/testing';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from '../test/system.js';

// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary server messages
type Msg = any;

/** A raw protocol client that records every message, the close code, or the refused upgrade. */
class Client {
  readonly messages: Msg[] = [];
  closeCode: number | undefined;
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => {
        reject(new Error(`upgrade refused: ${res.statusCode}`));
        res.resume();
        this.ws.terminate();
      });
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
  }

  static async open(url: string, token?: string, headers?: Record<string, string>): Promise<Client> {
    const client = new Client(url, headers);
    await client.opened;
    if (token) client.send({ type: 'auth', token });
    return client;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  events(topic?: string): Msg[] {
    return this.messages.filter((m) => m.type === 'event' && (topic === undefined || m.topic === topic));
  }

  async next(predicate: (m: Msg) => boolean, timeoutMs = 5_000, from = 0): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.slice(from).find(predicate);
      if (found) return found;
      await sleep(10);
    }
    throw new Error(
      `no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 800)}`,
    );
  }

  async subscribe(topics: string[], extra: Record<string, unknown> = {}): Promise<Msg> {
    const from = this.messages.length;
    this.send({ type: 'subscribe', topics, ...extra });
    return this.next((m) => m.type === 'subscribed' || m.type === 'error', 5_000, from);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}
const closedWithin = (c: Client, ms: number) =>
  Promise.race([c.closed, sleep(ms).then(() => 'still open' as const)]);
const appTopic = (id: string) => `application:${id}:status`;
const userToken = (sub: string, role: string, scope: string, tenant = 'acme') =>
  mintToken({ sub, tenant, roles: [{ role, scope }] });

let system: System;
let owner: ApiClient;
let probe: NatsConnection;
let js: JetStreamClient;
let web: string;
let webApp: string;
let apiApp: string;

async function publish(appId: string, n: number, pad = '') {
  const ack = await js.publish(
    EventSubjects.application('acme', appId),
    JSON.stringify({ event: 'status_changed', data: { n, ...(pad && { pad }) } }),
  );
  return ack.seq;
}

async function createApp(name: string, teamId: string): Promise<string> {
  const res = await owner.post('/applications', { name, team_id: teamId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id;
}

beforeAll(async () => {
  system = await startSystem({ stageMs: 20 });
  owner = apiClient(system.baseUrl, await adminToken('acme'));
  web = (await owner.post('/teams', { name: 'web' })).body.data.id;
  const api = (await owner.post('/teams', { name: 'api' })).body.data.id;
  webApp = await createApp('storefront', web);
  apiApp = await createApp('billing', api);
  // The test observer (allowed everything): publishes events and watches what the services do.
  probe = await connect(system.nats.clientOptions('test'));
  js = jetstream(probe);
}, 120_000);
afterAll(async () => {
  await probe?.close();
  await system?.stop();
});

describe('re-authentication', () => {
  it('as a weaker role drops the topics it cannot read, names them, and delivers none of their events', async () => {
    const c = await Client.open(system.wsUrl, await userToken('lea', 'admin', 'tenant:acme'));
    expect(await c.subscribe([appTopic(webApp), appTopic(apiApp)])).toMatchObject({ type: 'subscribed' });
    await publish(apiApp, 1);
    await c.next((m) => m.type === 'event' && m.topic === appTopic(apiApp));

    const from = c.messages.length;
    c.send({ type: 'auth', token: await userToken('lea', 'developer', `team:${web}`) });
    const dropped = await c.next((m) => m.type === 'error', 5_000, from);
    expect(dropped.error).toMatchObject({ code: 'FORBIDDEN', details: { topics: [appTopic(apiApp)] } });

    await publish(apiApp, 2);
    const kept = await publish(webApp, 3);
    await c.next((m) => m.type === 'event' && m.seq === kept);
    await sleep(200);
    expect(c.events(appTopic(apiApp)).map((e) => e.data.n)).toEqual([1]);
    c.ws.close();
  });

  it('with a token of another tenant is refused: error FORBIDDEN and close 4403', async () => {
    const c = await Client.open(system.wsUrl, await userToken('lea', 'admin', 'tenant:acme'));
    await c.subscribe([appTopic(webApp)]);
    c.send({ type: 'auth', token: await userToken('lea', 'admin', 'tenant:globex', 'globex') });
    expect(await c.closed).toBe(CloseCodes.PRINCIPAL_CHANGED);
    expect(c.messages.at(-1).error.code).toBe('FORBIDDEN');
  });
});

describe('Origin', () => {
  it("refuses another site's page at the upgrade with 403", async () => {
    const c = new Client(system.wsUrl, { origin: 'https://evil.example' });
    await expect(c.opened).rejects.toThrow('upgrade refused: 403');
  });

  it("allows the console (the edge's own origin) and clients that send no Origin", async () => {
    const token = await userToken('olga', 'viewer', 'tenant:acme');
    const cases: Record<string, string>[] = [{ origin: system.baseUrl }, {}];
    for (const headers of cases) {
      const c = await Client.open(system.wsUrl, token, headers);
      expect(await c.subscribe([appTopic(webApp)])).toMatchObject({ type: 'subscribed' });
      c.ws.close();
    }
  });
});

describe('cached refusals', () => {
  it('answers a repeated subscribe to 100 unreadable topics without asking the platform again', async () => {
    let asked = 0;
    const watch = probe.subscribe(RpcSubjects.platform('applications.get'), {
      callback: () => {
        asked++;
      },
    });
    const c = await Client.open(system.wsUrl, await userToken('mallory', 'developer', `team:${web}`));
    const topics = Array.from({ length: 100 }, (_, i) => appTopic(`app_missing${i}`));
    for (let round = 0; round < 3; round++) {
      const reply = await c.subscribe(topics);
      expect(reply.error).toMatchObject({ code: 'FORBIDDEN', details: { topics } });
    }
    await probe.flush();
    watch.unsubscribe();
    expect(asked).toBe(100);
    c.ws.close();
  });
});

describe('resume cost', () => {
  // The instance's live feed saw these events, so its memory of the stream's tail serves the resume:
  // no JetStream consumer at all. The stream path's bound (one consumer at a time) is held by
  // services/realtime/test/resume.test.ts, on an instance started after the events.
  it('replays 20 topics from the instance memory of the stream tail, with no JetStream consumer', async () => {
    const apps: string[] = [];
    for (let i = 0; i < 20; i++) apps.push(await createApp(`resume-${i}`, web));
    const seqs: number[] = [];
    for (const app of apps) for (let n = 0; n < 5; n++) seqs.push(await publish(app, n));
    // The server's advisories say when each consumer of the stream is created and deleted.
    const alive = { now: 0, most: 0 };
    const advisories = probe.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.*.${Streams.events.name}.>`, {
      callback: (_e, msg) => {
        if (msg.subject.includes('.CREATED.')) alive.most = Math.max(alive.most, ++alive.now);
        if (msg.subject.includes('.DELETED.')) alive.now--;
      },
    });
    await probe.flush();
    const c = await Client.open(system.wsUrl, await userToken('rita', 'viewer', 'tenant:acme'));
    const reply = await c.subscribe(apps.map(appTopic), { since: Math.min(...seqs) - 1 });
    expect(reply).toMatchObject({ type: 'subscribed', resumed: true });
    await until(() => c.events().length >= 100, 'all 100 events replayed');
    await probe.flush();
    advisories.unsubscribe();
    expect(alive.most).toBe(0);
    for (const app of apps) expect(c.events(appTopic(app)).map((e) => e.data.n)).toEqual([0, 1, 2, 3, 4]);
    c.ws.close();
  });
});

/** A second realtime instance with small limits, trusting 127.0.0.1 as a proxy (X-Forwarded-For). */
const TIGHT = {
  max_connections: 8,
  max_connections_per_ip: 2,
  max_connections_per_principal: 2,
  trusted_proxies: '["127.0.0.1"]',
  max_queued_messages: 4,
  max_concurrent_replays: 1,
  replay_slot_timeout_ms: 1000,
  replay_timeout_ms: 120000,
};

/** config/gateway.yaml with keys of its `realtime:` section replaced (each must be there). */
function withRealtime(yaml: string, values: Record<string, string | number>): string {
  const start = yaml.indexOf('\nrealtime:\n');
  const end = yaml.slice(start + 1).search(/\n\S/) + start + 1;
  let section = yaml.slice(start, end);
  for (const [key, value] of Object.entries(values)) {
    const line = new RegExp(`^  ${key}: .*$`, 'm');
    if (!line.test(section)) throw new Error(`config/gateway.yaml has no realtime.${key} line`);
    section = section.replace(line, `  ${key}: ${value}`);
  }
  return yaml.slice(0, start) + section + yaml.slice(end);
}

describe('on an instance with small limits', () => {
  let tight: ServiceProcess;
  let url: string;
  let readyz: string;
  const opened: Client[] = [];
  const from = async (address: string, token?: string) => {
    const c = await Client.open(url, token, { 'x-forwarded-for': address });
    opened.push(c);
    return c;
  };
  const connections = async () => (await (await fetch(readyz)).json()).connections as number;
  const closeAll = async () => {
    for (const c of opened.splice(0)) c.ws.terminate();
    await until(async () => (await connections()) === 0, 'all connections closed');
  };

  beforeAll(async () => {
    const config = join(tmpdir(), `idp-ws-tight-${process.pid}.yaml`);
    const shipped = await readFile(new URL('../../config/gateway.yaml', import.meta.url), 'utf8');
    await writeFile(config, withRealtime(shipped, TIGHT));
    const port = await freePort();
    // startService spreads the system's env when it starts a process: change it for this one only.
    const saved = { ...system.env };
    Object.assign(system.env, { IDP_CONFIG: config, IDP_WS_PORT: String(port) });
    try {
      tight = await system.startService('realtime', 'realtime-tight');
    } finally {
      Object.assign(system.env, saved);
    }
    url = `ws://127.0.0.1:${port}/ws/v1`;
    readyz = `http://127.0.0.1:${port}/readyz`;
  }, 60_000);
  afterAll(async () => {
    for (const c of opened) c.ws.terminate();
    await tight?.stop();
  });

  it('closes a connection past max_connections_per_ip with 4430; other addresses still connect', async () => {
    await from('198.51.100.1');
    await from('198.51.100.1');
    const third = await from('198.51.100.1');
    expect(await third.closed).toBe(CloseCodes.TOO_MANY_CONNECTIONS_IP);
    expect(third.messages[0].error.code).toBe('QUOTA_EXCEEDED');
    const other = await from('198.51.100.2', await userToken('ivy', 'viewer', 'tenant:acme'));
    other.send({ type: 'ping' });
    await other.next((m) => m.type === 'pong');
    await closeAll();
  });

  it('closes a connection past max_connections_per_principal with 4431 once it authenticates', async () => {
    const token = await userToken('pat', 'viewer', 'tenant:acme');
    for (const address of ['203.0.113.1', '203.0.113.2']) {
      const c = await from(address, token);
      c.send({ type: 'ping' });
      await c.next((m) => m.type === 'pong');
    }
    const third = await from('203.0.113.3', token);
    expect(await third.closed).toBe(CloseCodes.TOO_MANY_CONNECTIONS_PRINCIPAL);
    expect(third.messages.at(-1).error.code).toBe('QUOTA_EXCEEDED');
    await closeAll();
  });

  it('closes a connection past max_connections with 4007 (reconnect elsewhere)', async () => {
    for (let i = 1; i <= TIGHT.max_connections; i++) await from(`192.0.2.${i}`);
    await until(async () => (await connections()) === TIGHT.max_connections, 'instance full');
    const extra = await from('192.0.2.100');
    expect(await extra.closed).toBe(CloseCodes.INSTANCE_FULL);
    expect(extra.messages[0].error.code).toBe('SERVICE_UNAVAILABLE');
    await closeAll();
  });

  describe('while a slow reader holds the only replay slot', () => {
    let hogApp: string;

    beforeAll(async () => {
      hogApp = await createApp('hog', web);
      const pad = 'x'.repeat(64 * 1024);
      const seqs: number[] = [];
      for (let n = 0; n < 300; n++) seqs.push(await publish(hogApp, n, pad));
      const hog = await from('192.0.2.200', await userToken('hog', 'viewer', 'tenant:acme'));
      expect(await hog.subscribe([appTopic(hogApp)], { since: seqs[0]! - 1 })).toMatchObject({
        resumed: true,
      });
      // It stops reading: the replay waits for its socket and keeps the slot.
      (hog.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    }, 60_000);

    it('tells a resuming client that no slot came free in time, then closes 4005', async () => {
      const c = await from('192.0.2.201', await userToken('bee', 'viewer', 'tenant:acme'));
      const started = Date.now();
      c.send({ type: 'subscribe', topics: [appTopic(webApp)], since: 1 });
      const error = await c.next((m) => m.type === 'error', 5_000);
      expect(error.error).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        details: { reason: 'replay_slot_timeout', timeout_ms: TIGHT.replay_slot_timeout_ms },
      });
      expect(await closedWithin(c, 5_000)).toBe(CloseCodes.RESUME_INTERRUPTED);
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it('refuses frames past max_queued_messages while a subscribe waits for a slot', async () => {
      const c = await from('192.0.2.202', await userToken('cal', 'viewer', 'tenant:acme'));
      c.send({ type: 'ping' });
      await c.next((m) => m.type === 'pong');
      const from0 = c.messages.length;
      c.send({ type: 'subscribe', topics: [appTopic(webApp)], since: 1 });
      for (let i = 0; i < 10; i++) c.send({ type: 'ping' });
      expect(await closedWithin(c, 5_000)).toBe(CloseCodes.RESUME_INTERRUPTED);
      const after = c.messages.slice(from0);
      const refused = after.filter((m) => m.error?.code === 'RATE_LIMIT_EXCEEDED');
      expect(refused).toHaveLength(10 - TIGHT.max_queued_messages);
      expect(refused[0].error.details).toEqual({ limit: TIGHT.max_queued_messages });
      expect(after.filter((m) => m.type === 'pong')).toHaveLength(0);
    });
  });
});
