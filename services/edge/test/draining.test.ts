// While the edge drains (SIGTERM, before its listener closes): its public /readyz answers 503 so a
// balancer stops sending, and every response says `Connection: close`, so pooled keep-alive
// connections leave too (issue 10, item 7).
import { loadGatewayConfig, parseGatewayConfig } from '@idp/config';
import { connectNats, runSetupStep } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeApp } from '../src/app.js';

let server: NatsServerHandle;
let nc: NatsConnection;
let app: FastifyInstance;
let draining = false;

beforeAll(async () => {
  server = await startNatsServer();
  const logger = createLogger({ service: 'edge-test', level: 'silent' });
  await runSetupStep({ servers: server.url, logger, ...server.as('setup') });
  nc = await connectNats({ servers: server.url, name: 'edge-draining-test', logger, ...server.as('edge') });
  const shipped = await loadGatewayConfig(new URL('../../../config/gateway.yaml', import.meta.url).pathname);
  const config = parseGatewayConfig(
    JSON.stringify({ roles: shipped.roles, response_cache: { enabled: false } }),
  );
  app = await buildEdgeApp({
    nc,
    config,
    logger,
    authCacheTtlMs: 30_000,
    // The backends are up: only draining can make this edge not ready.
    readiness: async () => ({ ready: true, checks: {} }),
    draining: () => draining,
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await nc?.close();
  await server?.cleanup();
});

describe('a draining edge', () => {
  it('is ready and keeps connections alive before the drain', async () => {
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.headers.connection).not.toBe('close');
  });

  it('answers 503 on /readyz and Connection: close on every response while draining', async () => {
    draining = true;
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ ready: false });
    for (const url of ['/healthz', '/api/v1/openapi.json', '/api/v1/applications']) {
      const response = await app.inject({ url });
      expect(response.headers.connection, url).toBe('close');
    }
    // Still serving: draining is not refusing.
    expect((await app.inject({ url: '/api/v1/openapi.json' })).statusCode).toBe(200);
  });
});
