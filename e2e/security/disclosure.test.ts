// Finding 12 (issue 9), disclosure and growth: `/metrics` and `/readyz` answered anyone with the
// Prometheus text and which backend was down and why; `GET /status` showed every tenant the
// platform-wide stream counts and the runner's last error; team viewers got no metrics of their own
// teams (before finding 2's fix: the tenant's); the event store had no size limit. Now: metrics and
// readiness details are on the probe port only, /status shows the caller's tenant only, metrics are
// narrowed to the caller's teams, and every stream has a size bound (a full event store refuses
// writes with a clear 503, never drops an event).
import { KvBuckets, Streams } from '@idp/contracts';
import { mintToken } from '@idp/testing';
import { DiscardPolicy, type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  adminToken,
  apiClient,
  type System,
  startSystem,
  waitForOperation,
} from '../test/system.js';

let system: System;
let acme: ApiClient;
let globex: ApiClient;
let web: string;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  // Operations slow enough to be seen in flight by GET /status.
  system = await startSystem({ stageMs: 400, probePorts: true });
  acme = apiClient(system.baseUrl, await adminToken('acme'));
  globex = apiClient(system.baseUrl, await adminToken('globex'));
  web = (await acme.post('/teams', { name: 'web' })).body.data.id;
  const api = (await acme.post('/teams', { name: 'api' })).body.data.id;
  expect((await acme.post('/applications', { name: 'storefront', team_id: web })).status).toBe(201);
  expect((await acme.post('/applications', { name: 'billing', team_id: api })).status).toBe(201);
  expect((await acme.post('/applications', { name: 'ledger', team_id: api })).status).toBe(201);
  // The setup step's own NATS user: the one that may read and change stream configurations.
  nc = await connect(system.nats.clientOptions('setup'));
  jsm = await jetstreamManager(nc);
}, 120_000);
afterAll(async () => {
  await nc?.close();
  await system?.stop();
});

const publicGet = (path: string) => fetch(`${system.baseUrl}${path}`, { signal: AbortSignal.timeout(5_000) });

describe('probes and metrics', () => {
  it('serves no Prometheus metrics on the public listener', async () => {
    const res = await publicGet('/metrics');
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).not.toMatch(/idp_edge_|process_cpu/);
    expect(JSON.parse(body)).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  it('serves them on every service’s probe port instead', async () => {
    const edge = await fetch(`${system.probeUrls.edge}/metrics`);
    expect(edge.status).toBe(200);
    expect(await edge.text()).toMatch(/idp_edge_http_requests_total/);
    for (const service of ['auth', 'platform', 'ratelimit']) {
      const res = await fetch(`${system.probeUrls[service]}/metrics`);
      expect(res.status, service).toBe(200);
      // Every series carries the service (and instance) labels of the registry.
      expect(await res.text()).toMatch(
        new RegExp(`process_cpu_user_seconds_total\\{[^}]*service="${service}"`),
      );
    }
  });

  it('answers the public /readyz with readiness only, and the probe port with the details', async () => {
    const res = await publicGet('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true });
    const probe = await fetch(`${system.probeUrls.edge}/readyz`);
    expect(probe.status).toBe(200);
    expect(await probe.json()).toMatchObject({
      ready: true,
      checks: { nats: { status: 'up' }, auth: { status: 'up' }, platform: { status: 'up' } },
    });
  });
});

describe('GET /status', () => {
  it('shows the caller’s tenant only: no platform-wide counts, no runner error', async () => {
    const app = (await acme.get('/applications')).body.data[0].id;
    expect(
      (await acme.put(`/applications/${app}/desired-state`, { version: 'v1', replicas: 1 })).status,
    ).toBe(200);
    const deploy = await acme.post(`/applications/${app}/deploy`, {});
    expect(deploy.status).toBe(202);

    const mine = (await acme.get('/status')).body.data;
    const theirs = await globex.get('/status');
    expect(theirs.status).toBe(200);
    expect(theirs.body.data.components).toEqual({
      event_store: { status: 'healthy' },
      projection: { status: 'healthy' },
      operations_runner: { status: 'healthy', details: { active_operations: 0 } },
    });
    expect(mine.components.operations_runner.details.active_operations).toBe(1);
    for (const body of [mine, theirs.body.data]) {
      expect(JSON.stringify(body)).not.toMatch(/last_seq|messages|applied_seq|lag|completed|last_error/);
    }
    await waitForOperation(acme, deploy.body.data.operation_id);
  });
});

describe('GET /metrics (the platform metrics)', () => {
  it('counts only the teams a team-scoped viewer may read', async () => {
    const viewer = apiClient(
      system.baseUrl,
      await mintToken({ sub: 'vera', tenant: 'acme', roles: [{ role: 'viewer', scope: `team:${web}` }] }),
    );
    const res = await viewer.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.body.data.applications.total).toBe(1);
    expect(res.body.data.teams.total).toBe(1);
    const tenantWide = (await acme.get('/metrics')).body.data;
    expect(tenantWide.applications.total).toBe(3);
    expect(tenantWide.teams.total).toBe(2);
  });
});

describe('stream limits', () => {
  it('bounds every stream and bucket in size, and never ages out the event store', async () => {
    // Every stream of the system: the setup user may read each by name (not list them).
    const names = [
      ...Object.values(Streams).map((stream) => stream.name),
      ...Object.values(KvBuckets).map((bucket) => `KV_${bucket}`),
    ];
    expect(names.length).toBeGreaterThanOrEqual(6);
    const configs = await Promise.all(names.map(async (name) => (await jsm.streams.info(name)).config));
    for (const config of configs) expect(config.max_bytes, config.name).toBeGreaterThan(0);
    const store = configs.find((c) => c.name === Streams.eventStore.name)!;
    // The source of truth: full means "refuse new events", never "drop old ones".
    expect(store.discard).toBe(DiscardPolicy.New);
    expect(store.max_age).toBe(0);
    const events = configs.find((c) => c.name === Streams.events.name)!;
    expect(events.max_age).toBeGreaterThan(0);
  });

  it('refuses writes with a clear 503 when the event store is full, and keeps serving reads', async () => {
    const { config, state } = await jsm.streams.info(Streams.eventStore.name);
    // Room for a few more events only (never below what is stored: that would drop events).
    await jsm.streams.update(Streams.eventStore.name, { ...config, max_bytes: state.bytes + 2_000 });
    try {
      let refused: Awaited<ReturnType<ApiClient['post']>> | undefined;
      for (let i = 0; i < 40 && !refused; i++) {
        const res = await acme.post('/teams', { name: `filler-${i}` });
        if (res.status !== 201) refused = res;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.body.error).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        details: { reason: 'event_store_full' },
      });
      expect(refused?.body.error.message).toMatch(/event store is full/);
      expect((await acme.get('/applications')).status).toBe(200);
      expect(system.services.platform!.output()).not.toMatch(/"msg":"unhandled/);
    } finally {
      await jsm.streams.update(Streams.eventStore.name, config);
    }
    expect((await acme.post('/teams', { name: 'after-the-limit-was-raised' })).status).toBe(201);
  });
});
