// `npm run nats:setup -- [dir]` (default .data/nats): the development operator, accounts, signing keys,
// nats-server.conf and one .creds file per service (design.md §9). Never overwrites existing keys;
// re-running refreshes the JWTs, config and creds from them (e.g. after a permission change).
import { resolve } from 'node:path';
import { SERVICE_USERS, writeNatsSetup } from '@idp/nats-auth';

const dir = resolve(process.argv.slice(2).find((arg) => !arg.startsWith('-')) ?? '.data/nats');
const setup = await writeNatsSetup(dir);
const say = (line: string) => process.stdout.write(`${line}\n`);
say(
  setup.created ? `created new NATS operator keys in ${dir}/keys` : `kept the existing keys in ${dir}/keys`,
);
say(`server config: ${setup.configFile}`);
for (const user of SERVICE_USERS) say(`credentials:   ${setup.credsFile(user)}`);
say('');
say(`run a server:  nats-server -c ${setup.configFile} -p 4222 -sd <store dir>`);
say(`then:          NATS_URL=nats://127.0.0.1:4222 IDP_NATS_DIR=${dir} npm start`);
