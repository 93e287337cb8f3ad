// IDP_TLS_CERT / IDP_TLS_KEY: realtime serves WSS with them; a client that trusts the CA speaks the
// usual protocol, one that does not is refused by TLS before any frame.
import { loadServerTls } from '@idp/config';
import { makeTestCertificates, type TestCertificates } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, token } from './harness.js';
import { TestClient } from './ws-client.js';

let certs: TestCertificates;
let h: Harness;
let url: string;

beforeAll(async () => {
  certs = await makeTestCertificates();
  h = await startHarness({ t1: ['app_1'] });
  const tls = await loadServerTls({ IDP_TLS_CERT: certs.certFile, IDP_TLS_KEY: certs.keyFile });
  url = (await h.startRealtime({}, { tls })).url;
});
afterAll(async () => {
  await h?.close();
  await certs?.cleanup();
});

describe('realtime over WSS', () => {
  it('serves wss:// to a client that trusts the CA: auth, subscribe and ping work as over ws://', async () => {
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws\/v1$/);
    const client = await TestClient.open(url, await token('alice', 't1'), { ca: certs.ca });
    expect(await client.subscribe(['application:app_1:status'])).toMatchObject({ type: 'subscribed' });
    client.send({ type: 'ping' });
    expect(await client.next((m) => m.type === 'pong')).toEqual({ type: 'pong' });
    client.close();
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(TestClient.open(url)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('serves no plain ws:// on the TLS port', async () => {
    await expect(TestClient.open(url.replace('wss://', 'ws://'))).rejects.toThrow();
  });
});
