// Makes a throw-away certificate authority, a server certificate for 127.0.0.1/localhost and a client
// certificate (for mutual TLS) in a temporary folder, with the `openssl` command line tool.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** PEM text of the CA certificate, server certificate and server key. */
  ca: string;
  cert: string;
  key: string;
  cleanup(): Promise<void>;
}

/** A random serial, so certificates of different runs never share one. */
const serialNumber = () =>
  `0x${[...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;

export function opensslBinary(): string {
  const candidates = [process.env.OPENSSL_BIN, '/usr/bin/openssl', '/usr/local/bin/openssl'];
  for (const dir of (process.env.PATH ?? '').split(':')) candidates.push(join(dir, 'openssl'));
  const found = candidates.find((c) => c && existsSync(c));
  if (!found)
    throw new Error('openssl not found: install it (apt-get install -y openssl) or set OPENSSL_BIN');
  return found;
}

/** A CA plus server and client certificates, valid for one day; `cleanup()` deletes them. */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const openssl = opensslBinary();
  const dir = await mkdtemp(join(tmpdir(), 'idp-tls-'));
  const file = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => run(openssl, args, { cwd: dir, timeout: 20_000 });
  // P-256 keys: quick to make, accepted by Node, Go (nats-server) and browsers alike.
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await ssl(
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=idp-test-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    const issue = async (name: string, subject: string, extensions: string) => {
      await writeFile(file(`${name}.ext`), extensions);
      await ssl(
        'req',
        ...newKey,
        '-keyout',
        file(`${name}.key`),
        '-out',
        file(`${name}.csr`),
        '-subj',
        subject,
      );
      await ssl(
        'x509',
        '-req',
        '-in',
        file(`${name}.csr`),
        '-CA',
        file('ca.pem'),
        '-CAkey',
        file('ca.key'),
        '-set_serial',
        serialNumber(),
        '-days',
        '1',
        '-extfile',
        file(`${name}.ext`),
        '-out',
        file(`${name}.pem`),
      );
    };
    await issue(
      'server',
      '/CN=localhost',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' +
        'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
    );
    await issue(
      'client',
      '/CN=idp-test-client',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make the test certificates: ${(error as Error).message}`);
  }
  const [ca, cert, key] = await Promise.all(
    ['ca.pem', 'server.pem', 'server.key'].map((name) => readFile(file(name), 'utf8')),
  );
  return {
    dir,
    caFile: file('ca.pem'),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    ca: ca!,
    cert: cert!,
    key: key!,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
