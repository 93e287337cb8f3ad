import { connectNats, runSetupStep } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvMirror, openCredentialBuckets } from './credential-store.js';

const logger = createLogger({ service: 'auth-test', level: 'silent' });
let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  await runSetupStep({ servers: server.url, logger, ...server.as('setup') });
  nc = await connectNats({ servers: server.url, name: 'kv-test', logger, ...server.as('auth') });
});
afterAll(async () => {
  await nc?.close();
  await server?.cleanup();
});

describe('KvMirror', () => {
  it('has every stored entry as soon as start resolves (a restarted instance knows every key)', async () => {
    const { credentials } = await openCredentialBuckets(nc);
    const writer = new KvMirror<{ n: number }>(credentials, logger);
    await writer.start();
    for (let n = 0; n < 25; n++) await writer.put(`apikey.k${n}`, { n });
    await writer.delete('apikey.k3');

    const started = Date.now();
    const restarted = new KvMirror<{ n: number }>((await openCredentialBuckets(nc)).credentials, logger);
    await restarted.start();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(restarted.entries('apikey.')).toHaveLength(24);
    expect(restarted.get('apikey.k3')).toBeUndefined();
    expect(restarted.get('apikey.k24')).toEqual({ n: 24 });
  });

  it('sees another instance’s writes and deletes', async () => {
    const { credentials } = await openCredentialBuckets(nc);
    const a = new KvMirror<{ n: number }>(credentials, logger);
    const b = new KvMirror<{ n: number }>((await openCredentialBuckets(nc)).credentials, logger);
    await Promise.all([a.start(), b.start()]);
    await a.put('sa.t1.x', { n: 1 });
    await expect.poll(() => b.get('sa.t1.x'), { timeout: 2_000 }).toEqual({ n: 1 });
    await a.delete('sa.t1.x');
    await expect.poll(() => b.get('sa.t1.x'), { timeout: 2_000 }).toBeUndefined();
  });
});
