// `idp teams list|create`: applications and resources belong to a team.
import type { Team } from '@idp/contracts';
import type { CommandSpec } from '../cli/command.js';
import { ExitCodes } from '../exit-codes.js';
import { PAGE_OPTIONS, pageQuery, printPagination } from './paging.js';

const list: CommandSpec = {
  path: 'teams list',
  summary: 'teams of your tenant',
  options: { ...PAGE_OPTIONS },
  async run(ctx, { options }) {
    const envelope = await (await ctx.api()).callEnvelope<Team[]>('teams.list', {
      query: pageQuery(options, 'teams list'),
    });
    ctx.out.result(envelope.data, () => {
      ctx.out.table(envelope.data, [
        { header: 'id', value: (t) => t.id },
        { header: 'name', value: (t) => t.name },
      ]);
      printPagination(ctx.out, envelope.pagination);
    });
    return ExitCodes.ok;
  },
};

const create: CommandSpec = {
  path: 'teams create',
  summary: 'a new team',
  args: ['<name>'],
  async run(ctx, { args }) {
    const team = await (await ctx.api()).teams.create<Team>({ body: { name: args[0] } });
    ctx.out.result(team, () => ctx.out.say(`team ${ctx.out.style('bold', team.id)} (${team.name})`));
    return ExitCodes.ok;
  },
};

export const teamCommands: CommandSpec[] = [list, create];
