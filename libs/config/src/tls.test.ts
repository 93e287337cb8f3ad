import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadServerTls } from './index.js';

// Valid certificates are exercised by the edge and realtime TLS tests; these are the refusals.
let dir: string;
let notPem: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idp-tls-config-'));
  notPem = join(dir, 'not.pem');
  await writeFile(notPem, 'hello');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('loadServerTls', () => {
  it('is off when neither variable is set', async () => {
    expect(await loadServerTls({})).toBeUndefined();
  });

  it('refuses a certificate without a key, and a key without a certificate, naming the missing one', async () => {
    await expect(loadServerTls({ IDP_TLS_CERT: notPem })).rejects.toThrow(/^IDP_TLS_KEY: must be set/);
    await expect(loadServerTls({ IDP_TLS_KEY: notPem })).rejects.toThrow(/^IDP_TLS_CERT: must be set/);
    await expect(loadServerTls({ IDP_TLS_KEY: notPem })).rejects.toBeInstanceOf(ConfigError);
  });

  it('names the variable whose file cannot be read', async () => {
    const missing = join(dir, 'missing.pem');
    await expect(loadServerTls({ IDP_TLS_CERT: missing, IDP_TLS_KEY: notPem })).rejects.toThrow(
      /^IDP_TLS_CERT: cannot read .*missing\.pem \(ENOENT\)/,
    );
  });

  it('names the variable whose file holds no PEM', async () => {
    await expect(loadServerTls({ IDP_TLS_CERT: notPem, IDP_TLS_KEY: notPem })).rejects.toThrow(
      /^IDP_TLS_CERT: .* holds no PEM certificate/,
    );
  });
});
