// `idp login`, `idp logout`, `idp whoami`: the credential is checked against the gateway before it is
// stored, so a typo never replaces a working login.
import type { UserProfile } from '@idp/contracts';
import { type CommandSpec, optionString } from '../cli/command.js';
import { type Credential, checkUrl } from '../cli/connection.js';
import { apiClientFor } from '../cli/context.js';
import { ExitCodes, UsageError } from '../exit-codes.js';

const login: CommandSpec = {
  path: 'login',
  summary: 'check a token or API key against the gateway and store it (0600) for the next commands',
  options: {
    token: { type: 'string', value: 'jwt', description: "a bearer token ('-': read it from stdin)" },
    'api-key': { type: 'string', value: 'key', description: "an API key ('-': read it from stdin)" },
  },
  examples: [
    'idp login --token "$(npm run -s token -- --sub alice --tenant acme)"',
    'printenv MY_KEY | idp login --api-key -',
  ],
  async run(ctx, { options }) {
    const credential = await credentialFromOptions(
      optionString(options, 'token'),
      optionString(options, 'api-key'),
    );
    const stored = await ctx.store.read();
    const connection = await ctx.connection();
    const me = await apiClientFor(connection.apiUrl, credential).users.me.get<UserProfile>();
    const api_url = ctx.flags.url ? checkUrl(ctx.flags.url, ['http:', 'https:'], '--url') : stored.api_url;
    const ws_url = ctx.flags.wsUrl ?? stored.ws_url;
    await ctx.store.write({
      ...(api_url && { api_url }),
      ...(ws_url && { ws_url }),
      ...(credential.kind === 'token' ? { token: credential.token } : { api_key: credential.apiKey }),
    });
    ctx.out.result({ user: me, config_file: ctx.store.file }, () =>
      ctx.out.say(
        `Logged in as ${ctx.out.style('bold', me.id)} (tenant ${me.tenant_id}); saved in ${ctx.store.file}`,
      ),
    );
    return ExitCodes.ok;
  },
};

async function credentialFromOptions(token?: string, apiKey?: string): Promise<Credential> {
  if (token !== undefined && apiKey !== undefined)
    throw new UsageError('give --token or --api-key, not both', 'login');
  if (token === undefined && apiKey === undefined)
    throw new UsageError('give --token <jwt> or --api-key <key>', 'login');
  const value = (token ?? apiKey) === '-' ? await readStdinLine() : (token ?? apiKey)!.trim();
  if (!value) throw new UsageError(`the ${token !== undefined ? 'token' : 'API key'} is empty`, 'login');
  return token !== undefined ? { kind: 'token', token: value } : { kind: 'api_key', apiKey: value };
}

async function readStdinLine(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError("'-' reads the credential from stdin: pipe it in", 'login');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.length > 64 * 1024) throw new UsageError('stdin holds more than a credential', 'login');
  }
  return text.trim();
}

const logout: CommandSpec = {
  path: 'logout',
  summary: 'forget the stored credential',
  async run(ctx) {
    await ctx.store.remove();
    ctx.out.result({ removed: ctx.store.file }, () => ctx.out.say(`Removed ${ctx.store.file}`));
    return ExitCodes.ok;
  },
};

const whoami: CommandSpec = {
  path: 'whoami',
  summary: 'who the gateway takes you for: user, tenant, roles, teams',
  async run(ctx) {
    const me = await (await ctx.api()).users.me.get<UserProfile>();
    const { apiUrl, credential } = await ctx.connection();
    ctx.out.result(me, () =>
      ctx.out.record([
        ['user', me.id],
        ['tenant', me.tenant_id],
        ['name', me.display_name],
        ['email', me.email],
        ['roles', me.roles.map((r) => `${r.role}@${r.scope}`).join(', ')],
        ['teams', me.teams.join(', ')],
        ['credential', credential?.kind === 'api_key' ? 'API key' : 'token'],
        ['gateway', apiUrl],
      ]),
    );
    return ExitCodes.ok;
  },
};

export const authCommands: CommandSpec[] = [login, logout, whoami];
