// `idp deploy <app>` and `idp rollback <app>`, with `--follow` for live progress.
import type { OperationAccepted } from '@idp/contracts';
import { type CommandSpec, optionFlag, optionString } from '../cli/command.js';
import { findApplication } from './lookup.js';
import { acceptedOperation, FOLLOW_OPTION } from './operation-result.js';

const deploy: CommandSpec = {
  path: 'deploy',
  summary: 'deploy an application (default: its desired version)',
  args: ['<app>'],
  options: {
    version: { type: 'string', value: 'v', description: 'version to deploy' },
    ...FOLLOW_OPTION,
  },
  examples: ['idp deploy storefront --version v2.0.0 --follow'],
  async run(ctx, { args, options }) {
    const api = await ctx.api();
    const app = await findApplication(api, args[0]!);
    const version = optionString(options, 'version');
    const accepted = await api.applications.deploy<OperationAccepted>({
      params: { id: app.id },
      body: version === undefined ? {} : { version },
    });
    const target = version ?? app.desired_state?.version;
    return acceptedOperation(
      ctx,
      accepted,
      optionFlag(options, 'follow'),
      `deploy ${app.name}${target ? ` ${target}` : ''}`,
    );
  },
};

const rollback: CommandSpec = {
  path: 'rollback',
  summary: 'roll an application back to its previous version (or --version)',
  args: ['<app>'],
  options: {
    version: { type: 'string', value: 'v', description: 'an earlier deployed version' },
    reason: { type: 'string', value: 'text', description: 'why, for the record' },
    ...FOLLOW_OPTION,
  },
  async run(ctx, { args, options }) {
    const api = await ctx.api();
    const app = await findApplication(api, args[0]!);
    const version = optionString(options, 'version');
    const reason = optionString(options, 'reason');
    const accepted = await api.applications.rollback<OperationAccepted>({
      params: { id: app.id },
      body: { ...(version !== undefined && { version }), ...(reason !== undefined && { reason }) },
    });
    return acceptedOperation(ctx, accepted, optionFlag(options, 'follow'), `rollback ${app.name}`);
  },
};

export const deployCommands: CommandSpec[] = [deploy, rollback];
