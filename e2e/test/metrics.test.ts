// Every service's Prometheus metrics, scraped from its probe port after real traffic: REST calls, a
// deploy, a live WebSocket subscription and a resume. Also holds the Grafana dashboard to what the
// services export, so a renamed metric cannot leave a panel silently empty.
import { readFile } from 'node:fs/promises';
import { createApiClient, RealtimeClient } from '@idp/client';
import type { EventMessage } from '@idp/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { adminToken, apiClient, type System, startSystem, waitForOperation } from './system.js';

const SERVICES = ['edge', 'auth', 'ratelimit', 'platform', 'realtime'] as const;
const dashboardPath = new URL('../../k8s/observability/grafana-dashboard.json', import.meta.url);

let system: System;
/** Each service's /metrics text, scraped after the traffic below. */
const scraped: Record<string, string> = {};

/** Reads events until one matches `last` (the caller bounds it with a timeout). */
async function collect(events: AsyncIterableIterator<EventMessage>, last: (e: EventMessage) => boolean) {
  const seen: EventMessage[] = [];
  for await (const event of events) {
    seen.push(event);
    if (last(event)) break;
  }
  return seen;
}

const ended = (e: EventMessage) => ['operation_completed', 'operation_failed'].includes(e.event);

beforeAll(async () => {
  system = await startSystem({ probePorts: true, stageMs: 50 });
  const token = await adminToken('metrics');
  const api = createApiClient({ baseUrl: system.baseUrl, token });
  const team = await api.teams.create<{ id: string }>({ body: { name: 'obs' } });
  const app = await api.applications.create<{ id: string }>({ body: { name: 'dash', team_id: team.id } });
  await api.applications.desiredState.put({ params: { id: app.id }, body: { version: 'v1', replicas: 1 } });
  // Repeated reads: the second is an auth-cache hit (and may be a response-cache hit).
  const raw = apiClient(system.baseUrl, token);
  for (let i = 0; i < 3; i++) expect((await raw.get(`/applications/${app.id}`)).status).toBe(200);

  const rt = new RealtimeClient({ url: system.wsUrl, token, WebSocket: WebSocket as never });
  try {
    // Live: subscribed before the deploy, so its status events go through the fan-out.
    const live = collect(rt.events(`application:${app.id}:status`), (e) => e.event !== 'deployment_started');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const deploy = await api.applications.deploy<{ operation_id: string }>({
      params: { id: app.id },
      body: {},
    });
    await waitForOperation(raw, deploy.operation_id, 20_000);
    // Resume: `since: 0` after the operation ended replays what the client missed.
    const replayed = await collect(
      rt.events(`operation:${deploy.operation_id}:progress`, { since: 0 }),
      ended,
    );
    expect(replayed.length).toBeGreaterThan(0);
    expect((await live).length).toBeGreaterThan(0);
  } finally {
    rt.close();
  }
  for (const service of SERVICES) {
    const res = await fetch(`${system.probeUrls[service]}/metrics`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    scraped[service] = await res.text();
  }
}, 60_000);
afterAll(async () => system?.stop());

/** The summed value of a metric's samples whose labels include `labels`. */
function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Metric family names a scrape declares (`# TYPE <name> <type>`), with a histogram's series names. */
function families(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram' || type === 'summary')
      for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  return names;
}

describe('metrics on every probe port', () => {
  it('every service exports its process metrics, event-loop lag included, labelled with the service', () => {
    for (const service of SERVICES) {
      expect(
        sampleSum(scraped[service]!, 'nodejs_eventloop_lag_p99_seconds', { service }),
        service,
      ).toBeGreaterThan(0);
      expect(scraped[service], service).toContain(`instance="${service}"`);
    }
  });

  it('counts NATS requests at both ends, by subject pattern, never by full subject', () => {
    const edge = scraped.edge!;
    expect(
      sampleSum(edge, 'idp_nats_requests_sent_total', {
        subject: 'idp.rpc.auth.authenticate',
        outcome: 'ok',
      }),
    ).toBeGreaterThan(0);
    expect(sampleSum(edge, 'idp_nats_request_duration_seconds_count')).toBeGreaterThan(0);
    for (const service of ['auth', 'platform', 'ratelimit']) {
      expect(
        sampleSum(scraped[service]!, 'idp_nats_requests_handled_total', { outcome: 'ok' }),
        service,
      ).toBeGreaterThan(0);
      expect(
        sampleSum(scraped[service]!, 'idp_nats_handler_duration_seconds_count'),
        service,
      ).toBeGreaterThan(0);
    }
    // Cut to four tokens: no label carries an id or a tenant.
    for (const service of SERVICES) {
      for (const [, value] of scraped[service]!.matchAll(/(?:subject|pattern)="([^"]*)"/g))
        expect(value!.split('.').length, `${service}: ${value}`).toBeLessThanOrEqual(4);
      expect(scraped[service], service).not.toContain('metrics-admin');
      expect(scraped[service], service).not.toMatch(/tenant(_id)?="/);
    }
  });

  it('the edge counts HTTP requests, their latency, auth-cache hits and breaker states', () => {
    const edge = scraped.edge!;
    expect(sampleSum(edge, 'idp_edge_http_requests_total', { status: '200' })).toBeGreaterThanOrEqual(3);
    expect(sampleSum(edge, 'idp_edge_http_request_duration_seconds_count')).toBeGreaterThan(0);
    expect(sampleSum(edge, 'idp_edge_auth_cache_lookups_total', { result: 'hit' })).toBeGreaterThan(0);
    expect(sampleSum(edge, 'idp_edge_auth_cache_lookups_total', { result: 'miss' })).toBeGreaterThan(0);
    expect(edge).toMatch(/^idp_edge_circuit_breaker_state\{[^}]*group="platform"/m);
    expect(sampleSum(edge, 'idp_edge_ratelimit_decisions_total', { outcome: 'admitted' })).toBeGreaterThan(0);
  });

  it('auth and ratelimit count verifications and grants', () => {
    expect(
      sampleSum(scraped.auth!, 'idp_auth_authentications_total', { presented: 'bearer', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(sampleSum(scraped.auth!, 'idp_auth_authentication_duration_seconds_count')).toBeGreaterThan(0);
    expect(
      sampleSum(scraped.ratelimit!, 'idp_ratelimit_leases_total', { outcome: 'granted' }),
    ).toBeGreaterThan(0);
    expect(
      sampleSum(scraped.ratelimit!, 'idp_ratelimit_tokens_granted_total', { scope: 'per_user' }),
    ).toBeGreaterThan(0);
  });

  it('the platform reports operations by state, started and ended, and event-store appends', () => {
    const platform = scraped.platform!;
    expect(sampleSum(platform, 'idp_platform_operations', { state: 'succeeded', kind: 'deploy' })).toBe(1);
    expect(sampleSum(platform, 'idp_platform_operations_started_total', { kind: 'deploy' })).toBe(1);
    expect(
      sampleSum(platform, 'idp_platform_operations_ended_total', { kind: 'deploy', state: 'succeeded' }),
    ).toBe(1);
    expect(sampleSum(platform, 'idp_platform_event_store_appends_total', { outcome: 'ok' })).toBeGreaterThan(
      4,
    );
  });

  it('realtime counts connections, frames, fan-out, resumes and replay sizes', () => {
    const realtime = scraped.realtime!;
    expect(sampleSum(realtime, 'idp_realtime_ws_connections_opened_total')).toBeGreaterThanOrEqual(1);
    expect(sampleSum(realtime, 'idp_realtime_ws_messages_received_total')).toBeGreaterThan(0);
    expect(sampleSum(realtime, 'idp_realtime_ws_messages_sent_total')).toBeGreaterThan(0);
    expect(sampleSum(realtime, 'idp_realtime_fanout_events_total')).toBeGreaterThan(0);
    expect(sampleSum(realtime, 'idp_realtime_resumes_total', { outcome: 'resumed' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sampleSum(realtime, 'idp_realtime_replay_events_count')).toBeGreaterThanOrEqual(1);
    expect(sampleSum(realtime, 'idp_realtime_replay_events_sum')).toBeGreaterThan(0);
    expect(
      sampleSum(realtime, 'idp_nats_requests_sent_total', { subject: 'idp.rpc.auth.authenticate' }),
    ).toBeGreaterThan(0);
  });

  it('the Grafana dashboard uses only metrics some service exports', async () => {
    const dashboard = JSON.parse(await readFile(dashboardPath, 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const exported = new Set(SERVICES.flatMap((service) => [...families(scraped[service]!)]));
    const exprs = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({ panel: panel.title, expr: t.expr })),
    );
    expect(exprs.length).toBeGreaterThan(20);
    for (const { panel, expr } of exprs) {
      const names = [...expr.matchAll(/\b(?:idp|nodejs|process)_[a-z0-9_]+/g)].map(([name]) => name);
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const name of names)
        expect(exported.has(name), `${panel}: ${name} is exported by no service`).toBe(true);
    }
  });
});
