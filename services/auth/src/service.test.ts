import { RpcSubjects } from '@idp/contracts';
import { connectNats, requestJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { mintToken, type NatsServerHandle, startNatsServer } from '@idp/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuthEnv } from './config.js';
import { startAuthService } from './service.js';

let server: NatsServerHandle;
let nc: NatsConnection;
let service: ReturnType<typeof startAuthService>;

beforeAll(async () => {
  server = await startNatsServer();
  const logger = createLogger({ service: 'auth-test', level: 'silent' });
  nc = await connectNats({ servers: server.url, name: 'auth-test', logger });
  service = startAuthService(nc, readAuthEnv({}), logger);
});
afterAll(async () => {
  service?.stop();
  await nc?.close();
  await server?.cleanup();
});

describe('auth service over NATS', () => {
  it('answers authenticate with the principal', async () => {
    const token = await mintToken({ sub: 'alice', tenant: 'acme' });
    const reply = await requestJson(nc, RpcSubjects.authenticate, { bearer: token });
    expect(reply).toMatchObject({ ok: true, data: { sub: 'alice', tenant_id: 'acme' } });
  });

  it('answers a failure reply, not silence, for a bad token, a missing credential and a bad request', async () => {
    expect(await requestJson(nc, RpcSubjects.authenticate, { bearer: 'x.y.z' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await requestJson(nc, RpcSubjects.authenticate, {})).toMatchObject({
      ok: false,
      error: { details: { reason: 'missing' } },
    });
    expect(await requestJson(nc, RpcSubjects.authenticate, { bearer: 42 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR' },
    });
  });

  it('answers its ping subject', async () => {
    expect(await requestJson(nc, RpcSubjects.ping('auth'), {})).toMatchObject({ ok: true });
  });
});
