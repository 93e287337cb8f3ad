// `idp resources list [type]|get|create|delete`: databases, caches, git repositories, CI pipelines.
import {
  type OperationAccepted,
  RESOURCE_PATH_NAMES,
  type Resource,
  type ResourcePathName,
  ResourceTypes,
} from '@idp/contracts';
import { type CommandSpec, optionFlag, optionString } from '../cli/command.js';
import { ExitCodes, UsageError } from '../exit-codes.js';
import { acceptedOperation, FOLLOW_OPTION } from './operation-result.js';
import { PAGE_OPTIONS, pageQuery, printPagination } from './paging.js';

/** `databases` or `database`, `git-repositories` or `git_repository`, … */
function resourcePath(type: string, command: string): ResourcePathName {
  const match = RESOURCE_PATH_NAMES.find((n) => n === type || ResourceTypes[n].type === type);
  if (!match)
    throw new UsageError(
      `unknown resource type '${type}': one of ${RESOURCE_PATH_NAMES.join(', ')}`,
      command,
    );
  return match;
}

const list: CommandSpec = {
  path: 'resources list',
  summary: 'resources, of every type or of one',
  args: ['[type]'],
  options: {
    team: { type: 'string', value: 'team_id', description: 'only this team' },
    status: { type: 'string', value: 'status', description: 'provisioning, ready, failed, …' },
    ...PAGE_OPTIONS,
  },
  async run(ctx, { args, options }) {
    const query = {
      ...pageQuery(options, 'resources list'),
      team_id: optionString(options, 'team'),
      status: optionString(options, 'status'),
    };
    const api = await ctx.api();
    const envelope = args[0]
      ? await api.callEnvelope<Resource[]>('resources.listByType', {
          params: { type: resourcePath(args[0], 'resources list') },
          query,
        })
      : await api.callEnvelope<Resource[]>('resources.list', { query });
    ctx.out.result(envelope.data, () => {
      ctx.out.table(envelope.data, [
        { header: 'id', value: (r) => r.id },
        { header: 'type', value: (r) => r.type },
        { header: 'name', value: (r) => r.name },
        { header: 'team', value: (r) => r.team_id },
        { header: 'tier', value: (r) => r.tier },
        { header: 'status', value: (r) => r.status },
      ]);
      printPagination(ctx.out, envelope.pagination);
    });
    return ExitCodes.ok;
  },
};

const get: CommandSpec = {
  path: 'resources get',
  summary: 'one resource',
  args: ['<type>', '<id>'],
  async run(ctx, { args }) {
    const resource = await (await ctx.api()).resources.get<Resource>({
      params: { type: resourcePath(args[0]!, 'resources get'), id: args[1]! },
    });
    ctx.out.result(resource, () =>
      ctx.out.record([
        ['id', resource.id],
        ['type', resource.type],
        ['name', resource.name],
        ['team', resource.team_id],
        ['tier', resource.tier],
        ['status', resource.status],
        ['spec', resource.spec],
        ['operation', resource.active_operation_id],
      ]),
    );
    return ExitCodes.ok;
  },
};

const create: CommandSpec = {
  path: 'resources create',
  summary: 'provision a resource (long-running)',
  args: ['<type>', '<name>'],
  options: {
    team: { type: 'string', value: 'team_id', description: 'the owning team (required)' },
    spec: { type: 'string', value: 'json', description: "the type's spec as JSON (required)" },
    tier: { type: 'string', value: 'tier', description: "free, standard, … (default: the tenant's)" },
    description: { type: 'string', value: 'text', description: 'what it is for' },
    ...FOLLOW_OPTION,
  },
  examples: [
    `idp resources create databases orders --team team_… --spec '{"engine":"postgres","size":"s","storage_gb":10}'`,
  ],
  async run(ctx, { args, options }) {
    const type = resourcePath(args[0]!, 'resources create');
    const team = optionString(options, 'team');
    if (!team) throw new UsageError('--team <team_id> is required', 'resources create');
    const spec = parseSpec(optionString(options, 'spec'));
    const tier = optionString(options, 'tier');
    const description = optionString(options, 'description');
    const accepted = await (await ctx.api()).resources.create<OperationAccepted>({
      params: { type },
      body: {
        name: args[1],
        team_id: team,
        spec,
        ...(tier !== undefined && { tier }),
        ...(description !== undefined && { description }),
      },
    });
    return acceptedOperation(
      ctx,
      accepted,
      optionFlag(options, 'follow'),
      `create ${ResourceTypes[type].type} ${args[1]}`,
    );
  },
};

function parseSpec(text: string | undefined): Record<string, unknown> {
  if (text === undefined) throw new UsageError('--spec <json> is required', 'resources create');
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--spec is not JSON: ${(error as Error).message}`, 'resources create');
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new UsageError('--spec must be a JSON object', 'resources create');
  }
  return spec as Record<string, unknown>;
}

const remove: CommandSpec = {
  path: 'resources delete',
  summary: 'deprovision a resource (long-running)',
  args: ['<type>', '<id>'],
  options: { ...FOLLOW_OPTION },
  async run(ctx, { args, options }) {
    const type = resourcePath(args[0]!, 'resources delete');
    const accepted = await (await ctx.api()).resources.delete<OperationAccepted>({
      params: { type, id: args[1]! },
    });
    return acceptedOperation(ctx, accepted, optionFlag(options, 'follow'), `delete ${args[1]}`);
  },
};

export const resourceCommands: CommandSpec[] = [list, get, create, remove];
