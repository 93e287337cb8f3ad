import { DEFAULT_JWT_AUDIENCE, DEV_JWT_SECRET } from '@idp/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { freePort, mintToken, startNatsServer, startServiceProcess, waitFor } from '../src/index.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

describe('startNatsServer', () => {
  it('starts JetStream on a free port and keeps the data across a restart on the same port', async () => {
    const server = await startNatsServer();
    try {
      expect(server.port).not.toBe(4222);
      const nc = await connect({
        ...server.clientOptions('test'),
        maxReconnectAttempts: -1,
        reconnectTimeWait: 100,
      });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'T', subjects: ['t.>'] });
      await nc.publish('t.1', 'x');
      await waitFor(async () => (await jsm.streams.info('T')).state.messages === 1);

      await server.kill();
      await server.restart();
      await waitFor(async () => (await jsm.streams.info('T')).state.messages === 1, { timeoutMs: 15_000 });
      await nc.close();
    } finally {
      await server.cleanup();
    }
  });
});

describe('mintToken', () => {
  it('signs HS256 tokens with the development defaults', async () => {
    const token = await mintToken({ sub: 'alice', tenant: 'acme' });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(DEV_JWT_SECRET), {
      audience: DEFAULT_JWT_AUDIENCE,
    });
    expect(payload).toMatchObject({
      sub: 'alice',
      tenant_id: 'acme',
      roles: [{ role: 'admin', scope: 'tenant:acme' }],
    });
  });

  it('builds unsigned alg:none tokens and removes claims set to undefined', async () => {
    const token = await mintToken({
      sub: 'a',
      tenant: 't',
      alg: 'none',
      extraClaims: { tenant_id: undefined },
    });
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'none' });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).not.toHaveProperty('tenant_id');
    expect(signature).toBe('');
  });
});

describe('waitFor', () => {
  it('gives up after the bound with the message', async () => {
    await expect(waitFor(() => false, { timeoutMs: 100, message: 'never true' })).rejects.toThrow(
      /never true within 100 ms/,
    );
  });
});

describe('startServiceProcess', () => {
  it('resolves on the ready line and captures output', async () => {
    const proc = await startServiceProcess({
      name: 'fixture',
      entry: fixture('ready-service.ts'),
      env: { FIXTURE_NAME: 'one' },
    });
    expect(proc.output()).toContain('"name":"one"');
    await proc.kill();
  });

  it('rejects with the output when the process dies before it is ready', async () => {
    await expect(
      startServiceProcess({ name: 'crash', entry: fixture('crashing-service.ts'), env: {} }),
    ).rejects.toThrow(/booting/);
  });

  it('with a readyUrl, resolves once the probe answers 200, whatever the log says', async () => {
    const port = await freePort();
    const started = Date.now();
    const proc = await startServiceProcess({
      name: 'probe',
      entry: fixture('probe-service.ts'),
      env: { PROBE_PORT: String(port), READY_AFTER_MS: '500' },
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(proc.output()).toBe('');
    await proc.kill();
  });

  it('with a readyUrl, rejects with the output when the process dies before its probe answers', async () => {
    const port = await freePort();
    await expect(
      startServiceProcess({
        name: 'crash',
        entry: fixture('crashing-service.ts'),
        env: {},
        readyUrl: `http://127.0.0.1:${port}/readyz`,
      }),
    ).rejects.toThrow(/crash exited \(3\) before it was ready:\nbooting/);
  });

  it('with a readyUrl, gives up after the bound when the probe never answers 200', async () => {
    const port = await freePort();
    await expect(
      startServiceProcess({
        name: 'slow',
        entry: fixture('probe-service.ts'),
        env: { PROBE_PORT: String(port), READY_AFTER_MS: '60000' },
        readyUrl: `http://127.0.0.1:${port}/readyz`,
        readyTimeoutMs: 2_000,
      }),
      // 503 once it listens; on a loaded machine it may not even listen by then.
    ).rejects.toThrow(/slow: GET .*\/readyz not 200 within 2000 ms \(last: (503|ECONNREFUSED)\)/);
  });
});
