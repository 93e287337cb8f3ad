import { connectNats, requestJson, serveJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServiceRegistry, installNatsMetrics, OVERFLOW_LABEL, subjectLabel } from './metrics.js';

const logger = createLogger({ service: 'metrics-test', level: 'silent' });
let server: NatsServerHandle;
let nc: NatsConnection;
let registry: Registry;
let uninstall: () => void = () => {};

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url, name: 'metrics-test', logger, ...server.as('test') });
});
afterAll(async () => {
  await nc?.close();
  await server?.cleanup();
});
afterEach(() => uninstall());

function freshMetrics() {
  registry = createServiceRegistry({ service: 'svc', instance: 'i1' });
  uninstall = installNatsMetrics(registry);
}

async function values(name: string) {
  return (await registry.getSingleMetric(name)?.get())?.values ?? [];
}
async function countOf(name: string, labels: Record<string, string>) {
  const found = (await values(name)).filter((v) =>
    Object.entries(labels).every(([key, value]) => v.labels[key] === value),
  );
  return found.reduce((sum, v) => sum + v.value, 0);
}

describe('NATS request metrics', () => {
  it('counts and times requests sent and answered, by pattern and outcome from the reply', async () => {
    freshMetrics();
    const sub = serveJson(
      nc,
      'test.m.echo',
      (body) => {
        // A handled failure is an error reply, as serveJson sends for a thrown ApiError.
        if ((body as { fail?: boolean }).fail)
          return { ok: false, status: 409, error: { code: 'CONFLICT', message: 'no' } };
        return { ok: true, status: 200, data: body };
      },
      { queue: 'q', logger },
    );
    try {
      await requestJson(nc, 'test.m.echo', { n: 1 });
      await requestJson(nc, 'test.m.echo', { n: 2 });
      await requestJson(nc, 'test.m.echo', { fail: true });
    } finally {
      sub.unsubscribe();
    }
    expect(await countOf('idp_nats_requests_sent_total', { subject: 'test.m.echo', outcome: 'ok' })).toBe(3);
    expect(await countOf('idp_nats_requests_handled_total', { pattern: 'test.m.echo', outcome: 'ok' })).toBe(
      2,
    );
    expect(
      await countOf('idp_nats_requests_handled_total', {
        pattern: 'test.m.echo',
        outcome: 'error',
        code: 'CONFLICT',
      }),
    ).toBe(1);
    const sentCount = await countOf('idp_nats_request_duration_seconds', { subject: 'test.m.echo' });
    expect(sentCount).toBeGreaterThan(0); // buckets, _sum and _count all present
    const handledCounts = (await values('idp_nats_handler_duration_seconds')).filter(
      (v) => (v as { metricName?: string }).metricName === 'idp_nats_handler_duration_seconds_count',
    );
    expect(handledCounts).toEqual([
      expect.objectContaining({ value: 3, labels: { pattern: 'test.m.echo' } }),
    ]);
  });

  it('labels sent requests by their first four subject tokens, never the ids after them', async () => {
    freshMetrics();
    const sub = serveJson(nc, 'idp.rpc.test.route.>', () => ({ ok: true, status: 200, data: {} }), {
      queue: 'q',
      logger,
    });
    try {
      await requestJson(nc, 'idp.rpc.test.route.tenant_a.obj_1', {});
      await requestJson(nc, 'idp.rpc.test.route.tenant_b.obj_2', {});
    } finally {
      sub.unsubscribe();
    }
    const sent = await values('idp_nats_requests_sent_total');
    expect(sent.map((v) => v.labels)).toEqual([{ subject: 'idp.rpc.test.route', outcome: 'ok' }]);
    expect(sent[0]!.value).toBe(2);
    // A wildcard responder is labelled by the subject asked, cut the same way.
    const handled = await values('idp_nats_requests_handled_total');
    expect(handled.map((v) => v.labels.pattern)).toEqual(['idp.rpc.test.route']);
  });

  it('counts a request nobody answers as no_responders, and one too slow as a timeout', async () => {
    freshMetrics();
    await expect(requestJson(nc, 'test.m.nobody', {})).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const sub = nc.subscribe('test.m.silent', { callback: () => {} });
    try {
      await expect(requestJson(nc, 'test.m.silent', {}, { timeoutMs: 50 })).rejects.toMatchObject({
        code: 'GATEWAY_TIMEOUT',
      });
    } finally {
      sub.unsubscribe();
    }
    expect(await countOf('idp_nats_requests_sent_total', { outcome: 'no_responders' })).toBe(1);
    expect(
      await countOf('idp_nats_requests_sent_total', { subject: 'test.m.silent', outcome: 'timeout' }),
    ).toBe(1);
  });

  it('folds subjects past the label bound into "other" so junk cannot grow the series', async () => {
    freshMetrics();
    const sub = serveJson(nc, 'test.flood.>', () => ({ ok: true, status: 200, data: {} }), {
      queue: 'q',
      logger,
    });
    try {
      await Promise.all(
        Array.from({ length: 210 }, (_, i) =>
          requestJson(nc, `test.flood.x.r${i}`, {}, { timeoutMs: 2_000 }),
        ),
      );
    } finally {
      sub.unsubscribe();
    }
    const handled = await values('idp_nats_requests_handled_total');
    expect(handled.length).toBe(201);
    expect(await countOf('idp_nats_requests_handled_total', { pattern: OVERFLOW_LABEL })).toBe(10);
  });

  it('stops counting once removed', async () => {
    freshMetrics();
    uninstall();
    await expect(requestJson(nc, 'test.m.nobody', {})).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(await values('idp_nats_requests_sent_total')).toEqual([]);
  });
});

describe('service registry', () => {
  it('labels every series with service and instance and exports event-loop lag', async () => {
    const own = createServiceRegistry({ service: 'auth', instance: 'a-1' });
    const text = await own.metrics();
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds\{service="auth",instance="a-1"\} /m);
    expect(text).toMatch(/^process_cpu_seconds_total\{service="auth",instance="a-1"\} /m);
  });

  it('cuts subjects to four tokens and leaves shorter ones whole', () => {
    expect(subjectLabel('idp.rpc.platform.applications.get')).toBe('idp.rpc.platform.applications');
    expect(subjectLabel('idp.rpc.auth.authenticate')).toBe('idp.rpc.auth.authenticate');
    expect(subjectLabel('short')).toBe('short');
  });
});
