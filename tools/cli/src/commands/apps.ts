// `idp apps list|get|create` and `idp apps desired-state set`.
import type { Application, DesiredState } from '@idp/contracts';
import { type CommandSpec, optionList, optionString } from '../cli/command.js';
import { ExitCodes, UsageError } from '../exit-codes.js';
import type { Output } from '../render/output.js';
import { findApplication } from './lookup.js';
import { integerOption, PAGE_OPTIONS, pageQuery, printPagination } from './paging.js';

const list: CommandSpec = {
  path: 'apps list',
  summary: 'applications you can see',
  options: {
    team: { type: 'string', value: 'team_id', description: 'only this team' },
    status: { type: 'string', value: 'status', description: 'only this status (deployed, failed, …)' },
    ...PAGE_OPTIONS,
  },
  async run(ctx, { options }) {
    const envelope = await (await ctx.api()).callEnvelope<Application[]>('applications.list', {
      query: {
        ...pageQuery(options, 'apps list'),
        team_id: optionString(options, 'team'),
        status: optionString(options, 'status'),
      },
    });
    ctx.out.result(envelope.data, () => {
      ctx.out.table(envelope.data, [
        { header: 'id', value: (a) => a.id },
        { header: 'name', value: (a) => a.name },
        { header: 'team', value: (a) => a.team_id },
        { header: 'status', value: (a) => a.status },
        { header: 'desired', value: (a) => a.desired_state?.version },
        { header: 'actual', value: (a) => a.actual_state?.version },
      ]);
      printPagination(ctx.out, envelope.pagination);
    });
    return ExitCodes.ok;
  },
};

const get: CommandSpec = {
  path: 'apps get',
  summary: 'one application: desired and actual state, active operation',
  args: ['<app>'],
  async run(ctx, { args }) {
    const app = await findApplication(await ctx.api(), args[0]!);
    ctx.out.result(app, () => printApplication(ctx.out, app));
    return ExitCodes.ok;
  },
};

const create: CommandSpec = {
  path: 'apps create',
  summary: 'a new application owned by a team',
  args: ['<name>'],
  options: {
    team: { type: 'string', value: 'team_id', description: 'the owning team (required)' },
    description: { type: 'string', value: 'text', description: 'what it is' },
  },
  async run(ctx, { args, options }) {
    const team = optionString(options, 'team');
    if (!team) throw new UsageError('--team <team_id> is required', 'apps create');
    const description = optionString(options, 'description');
    const app = await (await ctx.api()).applications.create<Application>({
      body: { name: args[0], team_id: team, ...(description !== undefined && { description }) },
    });
    ctx.out.result(app, () => printApplication(ctx.out, app));
    return ExitCodes.ok;
  },
};

const setDesiredState: CommandSpec = {
  path: 'apps desired-state set',
  summary: 'what should run: version, replicas, environment',
  args: ['<app>'],
  options: {
    version: { type: 'string', value: 'v', description: 'version to run (required)' },
    replicas: { type: 'string', value: 'n', description: 'replicas (default: the current ones, else 1)' },
    env: { type: 'string', value: 'KEY=VALUE', multiple: true, description: 'environment (repeatable)' },
  },
  examples: ['idp apps desired-state set storefront --version v1.2.0 --replicas 3 --env LOG_LEVEL=info'],
  async run(ctx, { args, options }) {
    const version = optionString(options, 'version');
    if (!version) throw new UsageError('--version <v> is required', 'apps desired-state set');
    const api = await ctx.api();
    const app = await findApplication(api, args[0]!);
    const replicas =
      integerOption(options, 'replicas', 'apps desired-state set') ?? app.desired_state?.replicas ?? 1;
    const env = parseEnv(optionList(options, 'env'));
    const body: DesiredState = { version, replicas, ...(env && { env }) };
    const updated = await api.applications.desiredState.put<unknown>({ params: { id: app.id }, body });
    ctx.out.result(updated, () => ctx.out.say(`${app.name}: desired ${version} × ${replicas}`));
    return ExitCodes.ok;
  },
};

function parseEnv(pairs: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--env '${pair}': expected KEY=VALUE`, 'apps desired-state set');
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

function printApplication(out: Output, app: Application): void {
  out.record([
    ['id', app.id],
    ['name', app.name],
    ['team', app.team_id],
    ['status', app.status],
    ['desired', app.desired_state && `${app.desired_state.version} × ${app.desired_state.replicas}`],
    ['actual', app.actual_state && `${app.actual_state.version} × ${app.actual_state.replicas}`],
    ['operation', app.active_operation_id],
    ['version', app.version],
  ]);
}

export const appCommands: CommandSpec[] = [list, get, create, setDesiredState];
