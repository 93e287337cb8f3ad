// One trace from `POST …/deploy` to the operation's first progress event on a WebSocket (issue 10,
// item 6): every service exports over OTLP/HTTP to an in-memory collector in this test, and the spans
// must link edge HTTP → NATS client → platform handler → event-store append and the operation run →
// stage → realtime delivery of that event, each the child of the one before.
import { RealtimeClient } from '@idp/client';
import { waitFor } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type CollectedSpan, type OtlpCollector, startOtlpCollector } from './otlp-collector.js';
import { adminToken, apiClient, type System, startSystem } from './system.js';

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

let collector: OtlpCollector;
let system: System;
let token: string;

beforeAll(async () => {
  collector = await startOtlpCollector();
  system = await startSystem({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '50' },
  });
  token = await adminToken('acme');
});
afterAll(async () => {
  await system?.stop();
  await collector?.close();
});

/** The one span that matches, once the collector has it (bounded wait: spans arrive in batches). */
async function spanWhere(
  description: string,
  match: (span: CollectedSpan) => boolean,
  { allowMany = false } = {},
) {
  return waitFor(
    () => {
      const found = collector.spans.filter(match);
      if (found.length > 1 && !allowMany)
        throw new Error(`more than one ${description}: ${JSON.stringify(found)}`);
      return found[0];
    },
    { timeoutMs: 10_000 },
  ).catch((error) => {
    const seen = collector.spans.map((s) => `${s.service}: ${s.name}`).join('\n');
    throw new Error(`no ${description} (${String(error)}); spans seen:\n${seen}`);
  });
}

describe('tracing', () => {
  it('follows a deploy from the HTTP request to the delivery of its first progress event', async () => {
    const api = apiClient(system.baseUrl, token);
    const team = await api.post('/teams', { name: 'web' });
    const app = await api.post('/applications', { name: 'storefront', team_id: team.body.data.id });
    const appId: string = app.body.data.id;
    await api.put(`/applications/${appId}/desired-state`, { version: 'v1.0.0', replicas: 2 });
    const deploy = await api.post(`/applications/${appId}/deploy`, {});
    expect(deploy.status).toBe(202);
    const operationId: string = deploy.body.data.operation_id;

    // Subscribed after the 202, so `since: 0` (replay) or the live feed delivers it: both are traced.
    const rt = new RealtimeClient({ url: system.wsUrl, token, WebSocket: WebSocket as never });
    let firstProgress: { seq: number; data: unknown } | undefined;
    for await (const ev of rt.events(`operation:${operationId}:progress`, { since: 0 })) {
      if (ev.event === 'progress_updated') {
        firstProgress = ev;
        break;
      }
    }
    rt.close();
    expect(firstProgress).toBeDefined();

    const http = await spanWhere(
      'edge HTTP span of the deploy',
      (s) => s.service === 'edge' && s.kind === SERVER && s.name === 'POST /api/v1/applications/:id/deploy',
    );
    const inTrace = (s: CollectedSpan) => s.traceId === http.traceId;
    expect(http.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/api/v1/applications/:id/deploy',
      'http.response.status_code': 202,
      'idp.tenant_id': 'acme',
    });
    const client = await spanWhere(
      'edge NATS client span to the platform',
      (s) =>
        inTrace(s) &&
        s.service === 'edge' &&
        s.kind === CLIENT &&
        s.name === 'send idp.rpc.platform.applications.deploy',
    );
    expect(client.parentSpanId).toBe(http.spanId);
    const handler = await spanWhere(
      'platform handler span',
      (s) => inTrace(s) && s.service === 'platform' && s.kind === SERVER && s.parentSpanId === client.spanId,
    );
    const created = await spanWhere(
      'append of operation.created',
      (s) =>
        inTrace(s) &&
        s.name === 'event-store append' &&
        s.attributes['idp.event.type'] === 'operation.created',
    );
    expect(created.parentSpanId).toBe(handler.spanId);
    const stage = await spanWhere(
      'start of the build stage',
      (s) =>
        inTrace(s) && s.name === 'operation stage start' && s.attributes['idp.operation.stage'] === 'build',
    );
    const run = await spanWhere(
      'operation run that started the stage',
      (s) => s.spanId === stage.parentSpanId,
    );
    expect(run).toMatchObject({ service: 'platform', kind: CONSUMER, traceId: http.traceId });
    expect(run.parentSpanId).toBe(handler.spanId);
    expect(run.attributes['idp.operation.id']).toBe(operationId);
    const stageAppend = await spanWhere(
      'append of the stage start',
      (s) => s.name === 'event-store append' && s.parentSpanId === stage.spanId,
    );
    expect(stageAppend.attributes['idp.event.type']).toBe('operation.stage_started');
    // Live feed and replay may both have handled it while the subscription caught up: either counts.
    const delivery = await spanWhere(
      'realtime delivery of the first progress event',
      (s) =>
        s.service === 'realtime' &&
        s.name === 'realtime deliver' &&
        s.attributes['idp.stream.seq'] === firstProgress!.seq,
      { allowMany: true },
    );
    expect(delivery).toMatchObject({ service: 'realtime', kind: CONSUMER, traceId: http.traceId });
    expect(delivery.parentSpanId).toBe(stage.spanId);
    expect(delivery.attributes['idp.event.type']).toBe('progress_updated');

    // Attributes name subjects, routes and statuses: never a credential.
    expect(JSON.stringify(collector.spans)).not.toContain(token);
    expect(collector.rejected).toBe(0);
  });
});
