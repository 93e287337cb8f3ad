// `npm run nats:creds -- --tenant <id> [--out <file>] [--ttl-hours <n>] [--dir <setup dir>]`: credentials
// for a NATS-native publisher of one tenant, signed with the development setup's publisher key. They
// may publish only to `idp.evt.<tenant>.>` and work at once, without reloading nats-server.
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { issueTenantPublisherCreds, keyPair } from '@idp/nats-auth';

const usage =
  'usage: npm run nats:creds -- --tenant <id> [--out <file>] [--ttl-hours <n>] [--dir <setup dir>]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      out: { type: 'string' },
      'ttl-hours': { type: 'string' },
      dir: { type: 'string' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (!values.tenant) fail('--tenant is required');
const dir = resolve(values.dir ?? process.env.IDP_NATS_DIR ?? '.data/nats');
const ttlHours = values['ttl-hours'] === undefined ? 24 : Number(values['ttl-hours']);
if (!Number.isFinite(ttlHours) || ttlHours <= 0) fail('--ttl-hours must be a positive number');

const readSeed = (file: string) =>
  readFile(join(dir, 'keys', file), 'utf8').catch(() =>
    fail(`no NATS setup in ${dir}: run \`npm run nats:setup -- ${dir}\` first`),
  );
try {
  const issued = await issueTenantPublisherCreds({
    tenant: values.tenant,
    accountPublicKey: keyPair(await readSeed('account.nk')).getPublicKey(),
    publisherSignerSeed: await readSeed('publisher-signer.nk'),
    ttlSeconds: Math.round(ttlHours * 3600),
  });
  if (values.out) {
    await writeFile(values.out, issued.creds, { mode: 0o600 });
    process.stderr.write(
      `wrote ${values.out}: publishes to ${issued.publish_subject}, inbox prefix ${issued.inbox_prefix}, expires ${issued.expires_at}\n`,
    );
  } else {
    process.stdout.write(issued.creds);
  }
} catch (error) {
  fail((error as Error).message);
}
