// `npm run token -- --sub <user> --tenant <tenant> [--role developer@team:frontend ...] [--ttl 3600]`
// prints a development JWT signed with IDP_JWT_SECRET, or else the development secret (the one `npm start`
// gives the auth service; HS256 tokens are refused by an auth service started without a secret).
import { parseArgs } from 'node:util';
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, type RoleBinding } from '@idp/contracts';
import { mintToken } from '@idp/testing';

const USAGE = `usage: npm run token -- --sub <user> --tenant <tenant> [--role <role>@tenant:<id>|<role>@team:<id> ...] [--ttl <seconds>]
  default role: admin@tenant:<tenant>`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseRole(value: string): RoleBinding {
  const match = /^([a-z][a-z0-9_-]{0,63})@((?:tenant|team):[A-Za-z0-9_.-]{1,64})$/.exec(value);
  if (!match) fail(`bad --role '${value}': expected <role>@tenant:<id> or <role>@team:<id>`);
  return { role: match[1]!, scope: match[2]! };
}

let values: { sub?: string; tenant?: string; role?: string[]; ttl?: string };
try {
  ({ values } = parseArgs({
    options: {
      sub: { type: 'string' },
      tenant: { type: 'string' },
      role: { type: 'string', multiple: true },
      ttl: { type: 'string' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (!values.sub) fail('missing --sub');
if (!values.tenant || !/^[A-Za-z0-9_-]{1,64}$/.test(values.tenant)) fail('missing or malformed --tenant');
const ttl = Number(values.ttl ?? 3600);
if (!Number.isInteger(ttl) || ttl <= 0)
  fail(`bad --ttl '${values.ttl}': expected a positive number of seconds`);

const token = await mintToken({
  sub: values.sub,
  tenant: values.tenant,
  roles: values.role?.map(parseRole) ?? [{ role: 'admin', scope: `tenant:${values.tenant}` }],
  secret: process.env.IDP_JWT_SECRET || DEV_JWT_SECRET,
  issuer: process.env.IDP_JWT_ISSUER || DEFAULT_JWT_ISSUER,
  audience: process.env.IDP_JWT_AUDIENCE || DEFAULT_JWT_AUDIENCE,
  expiresInSeconds: ttl,
});
process.stdout.write(`${token}\n`);
