// IDP_TLS_CERT / IDP_TLS_KEY: the edge serves HTTPS with them, and a client that trusts the CA gets
// the same API as over HTTP; one that does not is refused by TLS itself.
import { request } from 'node:https';
import { loadServerTls } from '@idp/config';
import { makeTestCertificates, mintToken, type TestCertificates } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdgeHarness, startEdgeHarness } from './harness.js';

let certs: TestCertificates;
let h: EdgeHarness;
let port: number;

beforeAll(async () => {
  certs = await makeTestCertificates();
  const tls = await loadServerTls({ IDP_TLS_CERT: certs.certFile, IDP_TLS_KEY: certs.keyFile });
  h = await startEdgeHarness({ tls });
  h.setPlatform(() => ({ ok: true, status: 200, data: { id: 'app_1' } }));
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await h?.close();
  await certs?.cleanup();
});

function httpsGet(path: string, options: { ca?: string; token?: string } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: options.ca,
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('the edge over HTTPS', () => {
  it('answers a client that trusts the CA, the whole pipeline included', async () => {
    expect((await httpsGet('/healthz', { ca: certs.ca })).status).toBe(200);
    const token = await mintToken({ sub: 'alice', tenant: 'acme' });
    const res = await httpsGet('/api/v1/applications/app_1', { ca: certs.ca, token });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ success: true, data: { id: 'app_1' } });
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(httpsGet('/healthz')).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('serves no plain HTTP on the TLS port', async () => {
    const plain = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });
});

describe('IDP_TLS_CERT / IDP_TLS_KEY', () => {
  it('refuses a key that does not belong to the certificate, naming IDP_TLS_KEY', async () => {
    await expect(
      loadServerTls({ IDP_TLS_CERT: certs.certFile, IDP_TLS_KEY: certs.clientKeyFile }),
    ).rejects.toThrow(/^IDP_TLS_KEY: .* is not a usable key for the certificate/);
  });
});
