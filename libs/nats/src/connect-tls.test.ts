// NATS over TLS (NATS_TLS_CA, and NATS_TLS_CERT/KEY for mutual TLS) against a real nats-server whose
// config has a `tls {}` block, with certificates made for this test by openssl.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@idp/observability';
import { freePort, makeTestCertificates, natsServerBinary, type TestCertificates } from '@idp/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, natsAuthFromEnv } from './index.js';

const logger = createLogger({ service: 'nats-tls-test', level: 'silent' });
let certs: TestCertificates;

beforeAll(async () => {
  certs = await makeTestCertificates();
});
afterAll(async () => certs?.cleanup());

interface TlsServer {
  url: string;
  stop(): Promise<void>;
}

/** A nats-server (no JetStream, no auth) that speaks only TLS; `verify` demands client certificates. */
async function startTlsServer(verify: boolean): Promise<TlsServer> {
  const port = await freePort();
  const configFile = join(certs.dir, `nats-${port}.conf`);
  await writeFile(
    configFile,
    [
      `listen: "127.0.0.1:${port}"`,
      'tls {',
      `  cert_file: "${certs.certFile}"`,
      `  key_file: "${certs.keyFile}"`,
      `  ca_file: "${certs.caFile}"`,
      `  verify: ${verify}`,
      '  timeout: 2',
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(natsServerBinary(), ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const deadline = Date.now() + 10_000;
  while (!/Server is ready/.test(stderr)) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not start within 10 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { url: `nats://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** One request/reply on the connection: TLS carries traffic, not only the handshake. */
async function roundTrip(nc: NatsConnection): Promise<string> {
  const sub = nc.subscribe('tls.echo', {
    callback: (_err, msg) => {
      msg.respond(msg.data);
    },
  });
  const reply = await nc.request('tls.echo', 'over tls', { timeout: 2_000 });
  sub.unsubscribe();
  return reply.string();
}

const refused = (url: string, env: Parameters<typeof natsAuthFromEnv>[0]) =>
  connectNats({
    servers: url,
    name: 'tls-refused',
    logger,
    firstConnectTimeoutMs: 1_500,
    ...natsAuthFromEnv(env, 'tls-test'),
  });

describe('NATS over TLS', () => {
  let server: TlsServer;
  beforeAll(async () => {
    server = await startTlsServer(false);
  });
  afterAll(async () => server?.stop());

  it('connects with the CA from tls.caFile and carries requests', async () => {
    const nc = await connectNats({
      servers: server.url,
      name: 'tls-ok',
      logger,
      tls: { caFile: certs.caFile },
    });
    expect(await roundTrip(nc)).toBe('over tls');
    await nc.close();
  });

  it('connects with NATS_TLS_CA through natsAuthFromEnv', async () => {
    const nc = await connectNats({
      servers: server.url,
      name: 'tls-env',
      logger,
      ...natsAuthFromEnv({ NATS_TLS_CA: certs.caFile }, 'tls-test'),
    });
    expect(await roundTrip(nc)).toBe('over tls');
    await nc.close();
  });

  it('refuses a connection that does not trust the server certificate', async () => {
    await expect(refused(server.url, {})).rejects.toMatchObject({
      message: expect.stringMatching(/could not connect to NATS/),
      cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    });
  });
});

describe('NATS over mutual TLS (verify: true)', () => {
  let server: TlsServer;
  beforeAll(async () => {
    server = await startTlsServer(true);
  });
  afterAll(async () => server?.stop());

  // The server closes the connection after the handshake; the client only notices when its connect
  // timeout (20 s, nats.js's default) passes, so this refusal takes that long.
  it('refuses a client without a certificate of its own', async () => {
    await expect(refused(server.url, { NATS_TLS_CA: certs.caFile })).rejects.toThrow(
      /could not connect to NATS/,
    );
  }, 45_000);

  it('accepts the client certificate from NATS_TLS_CERT / NATS_TLS_KEY', async () => {
    const nc = await connectNats({
      servers: server.url,
      name: 'mtls-ok',
      logger,
      ...natsAuthFromEnv(
        { NATS_TLS_CA: certs.caFile, NATS_TLS_CERT: certs.clientCertFile, NATS_TLS_KEY: certs.clientKeyFile },
        'tls-test',
      ),
    });
    expect(await roundTrip(nc)).toBe('over tls');
    await nc.close();
  });
});
