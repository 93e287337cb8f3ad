import { freePort, startServiceProcess } from '@idp/testing';
import { describe, expect, it } from 'vitest';

const entry = new URL('./fixtures/service.ts', import.meta.url).pathname;

describe('runService', () => {
  it('stops once however many signals arrive, then exits 0', async () => {
    const proc = await startServiceProcess({ name: 'fixture', entry, env: {} });
    process.kill(proc.pid, 'SIGTERM');
    process.kill(proc.pid, 'SIGINT');
    await proc.waitForOutput(/"msg":"stop called"/);
    await proc.stop();
    expect(proc.output().match(/stop called/g)).toHaveLength(1);
  });

  it('logs one fatal line and exits when the start fails', async () => {
    await expect(startServiceProcess({ name: 'fixture', entry, env: { FAIL_START: '1' } })).rejects.toThrow(
      /service failed to start[\s\S]*no database|no database[\s\S]*service failed to start/,
    );
  });
});

describe('last-resort handlers', () => {
  it('logs an unhandled rejection and an uncaught exception and keeps serving', async () => {
    const port = await freePort();
    const proc = await startServiceProcess({
      name: 'fixture',
      entry,
      env: { ESCAPE_ERRORS: '1', HEALTH_PORT: String(port) },
    });
    await proc.waitForOutput(/"msg":"still serving"/);
    expect(proc.output()).toMatch(
      /unhandled promise rejection[\s\S]*escaped rejection|escaped rejection[\s\S]*unhandled promise rejection/,
    );
    expect(proc.output()).toMatch(/uncaught exception/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await proc.stop();
  });
});

describe('health listener', () => {
  it('serves /healthz and /readyz on IDP_HEALTH_PORT-style ports when asked', async () => {
    const port = await freePort();
    const proc = await startServiceProcess({ name: 'fixture', entry, env: { HEALTH_PORT: String(port) } });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    await proc.stop();
  });

  it('serves Prometheus metrics on the probe port, labelled with the service', async () => {
    const port = await freePort();
    const proc = await startServiceProcess({ name: 'fixture', entry, env: { HEALTH_PORT: String(port) } });
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/process_cpu_user_seconds_total\{service="fixture"\}/);
    await proc.stop();
  });

  it('shows the readiness details of the service on the probe port', async () => {
    const port = await freePort();
    const proc = await startServiceProcess({
      name: 'fixture',
      entry,
      env: { HEALTH_PORT: String(port), NOT_READY: 'backend x did not answer' },
    });
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not ready',
      ready: false,
      checks: { x: { status: 'down', error: 'backend x did not answer' } },
    });
    await proc.stop();
  });
});
