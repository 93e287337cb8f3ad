// A throw-away CA and one NATS node certificate, made with the openssl command line tool: the shape a
// cert-manager Certificate gives (tls.crt, tls.key, ca.crt), valid for the cluster's Service names
// and, for the local cluster test, for localhost.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NodeCertificate {
  'tls.crt': string;
  'tls.key': string;
  'ca.crt': string;
}

/**
 * The names NATS is reached by: clients (NATS_URL) and routes use each pod's name under the headless
 * Service; the client Service's names remain for whatever reaches any one node through it.
 */
export const NATS_CERT_NAMES = [
  'nats',
  'nats.idp.svc',
  'nats.idp.svc.cluster.local',
  '*.nats-headless.idp.svc',
  '*.nats-headless.idp.svc.cluster.local',
  'localhost',
];

function openssl(): string {
  const found = [process.env.OPENSSL_BIN, '/usr/bin/openssl', '/usr/local/bin/openssl'].find(
    (c) => c && existsSync(c),
  );
  if (!found)
    throw new Error('openssl not found: install it (apt-get install -y openssl) or set OPENSSL_BIN');
  return found;
}

export function makeNodeCertificate(): NodeCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'idp-k8s-tls-'));
  const file = (name: string) => join(dir, name);
  const ssl = (...args: string[]) =>
    execFileSync(openssl(), args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
  // P-256: quick to make, and accepted by Go (nats-server) and Node alike.
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    ssl(
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=idp-k8s-check-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    ssl('req', ...newKey, '-keyout', file('tls.key'), '-out', file('tls.csr'), '-subj', '/CN=nats');
    // Routes verify each other (cluster tls verify: true), so the one certificate serves both ends.
    writeFileSync(
      file('node.ext'),
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' +
        'extendedKeyUsage=serverAuth,clientAuth\n' +
        `subjectAltName=${[...NATS_CERT_NAMES.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',')}\n`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      file('tls.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      file('node.ext'),
      '-out',
      file('tls.crt'),
    );
    const read = (name: string) => readFileSync(file(name), 'utf8');
    return { 'tls.crt': read('tls.crt'), 'tls.key': read('tls.key'), 'ca.crt': read('ca.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
