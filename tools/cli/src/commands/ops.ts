// `idp ops list|get|cancel` and `idp ops logs <id> [--follow]`.
import type { Operation, OperationLogEntry } from '@idp/contracts';
import { type CommandSpec, optionFlag, optionString } from '../cli/command.js';
import { ExitCodes } from '../exit-codes.js';
import type { Output } from '../render/output.js';
import { followToEnd } from './operation-result.js';
import { PAGE_OPTIONS, pageQuery, printPagination } from './paging.js';

const list: CommandSpec = {
  path: 'ops list',
  summary: 'operations, filtered by status, kind or target',
  options: {
    status: {
      type: 'string',
      value: 'status',
      description: 'pending, in_progress, succeeded, failed, cancelled',
    },
    kind: {
      type: 'string',
      value: 'kind',
      description: 'deploy, rollback, restart, resource_create, resource_delete',
    },
    target: { type: 'string', value: 'id', description: 'only operations on this application or resource' },
    ...PAGE_OPTIONS,
  },
  async run(ctx, { options }) {
    const envelope = await (await ctx.api()).callEnvelope<Operation[]>('operations.list', {
      query: {
        ...pageQuery(options, 'ops list'),
        status: optionString(options, 'status'),
        kind: optionString(options, 'kind'),
        target_id: optionString(options, 'target'),
      },
    });
    ctx.out.result(envelope.data, () => {
      ctx.out.table(envelope.data, [
        { header: 'id', value: (o) => o.id },
        { header: 'kind', value: (o) => o.kind },
        { header: 'target', value: (o) => o.target.id },
        { header: 'status', value: (o) => statusText(ctx.out, o.status) },
        { header: 'progress', value: (o) => `${o.progress}%` },
        { header: 'created', value: (o) => o.created_at },
      ]);
      printPagination(ctx.out, envelope.pagination);
    });
    return ExitCodes.ok;
  },
};

const get: CommandSpec = {
  path: 'ops get',
  summary: 'one operation and its stages',
  args: ['<id>'],
  async run(ctx, { args }) {
    const op = await (await ctx.api()).operations.get<Operation>({ params: { id: args[0]! } });
    ctx.out.result(op, () => printOperation(ctx.out, op));
    return ExitCodes.ok;
  },
};

const cancel: CommandSpec = {
  path: 'ops cancel',
  summary: 'ask a running operation to stop after its current stage',
  args: ['<id>'],
  options: { reason: { type: 'string', value: 'text', description: 'why, for the record' } },
  async run(ctx, { args, options }) {
    const reason = optionString(options, 'reason');
    const op = await (await ctx.api()).operations.cancel<Operation>({
      params: { id: args[0]! },
      body: reason === undefined ? {} : { reason },
    });
    ctx.out.result(op, () => ctx.out.say(`operation ${op.id}: cancel requested (${op.status})`));
    return ExitCodes.ok;
  },
};

const logs: CommandSpec = {
  path: 'ops logs',
  summary: "an operation's log; --follow shows its stages live until it ends",
  args: ['<id>'],
  options: {
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'live, until the operation ends (exit 1 unless it succeeds)',
    },
    ...PAGE_OPTIONS,
  },
  async run(ctx, { args, options }) {
    const id = args[0]!;
    // Following replays the operation's events from its start, logs included: nothing is printed twice.
    if (optionFlag(options, 'follow')) return followToEnd(ctx, id, `operation ${id}`);
    const envelope = await (await ctx.api()).callEnvelope<OperationLogEntry[]>('operations.logs', {
      params: { id },
      query: pageQuery(options, 'ops logs'),
    });
    ctx.out.result(envelope.data, () => {
      for (const entry of envelope.data) {
        const level =
          entry.level === 'info'
            ? entry.level
            : ctx.out.style(entry.level === 'warn' ? 'yellow' : 'red', entry.level);
        ctx.out.say(
          `${ctx.out.style('dim', entry.timestamp)} ${level} ${entry.stage ?? '-'}: ${entry.message}`,
        );
      }
      printPagination(ctx.out, envelope.pagination);
    });
    return ExitCodes.ok;
  },
};

function statusText(out: Output, status: Operation['status']): string {
  if (status === 'succeeded') return out.style('green', status);
  if (status === 'failed') return out.style('red', status);
  if (status === 'cancelled') return out.style('yellow', status);
  return out.style('cyan', status);
}

function printOperation(out: Output, op: Operation): void {
  out.record([
    ['id', op.id],
    ['kind', op.kind],
    ['target', `${op.target.type} ${op.target.id}`],
    ['status', statusText(out, op.status)],
    ['progress', `${op.progress}%`],
    ['message', op.message],
    ['error', op.error],
    ['created', op.created_at],
    ['completed', op.completed_at],
  ]);
  out.table(op.stages, [
    { header: 'stage', value: (s) => s.name },
    { header: 'status', value: (s) => statusText(out, s.status) },
    { header: 'started', value: (s) => s.started_at },
    { header: 'completed', value: (s) => s.completed_at },
  ]);
}

export const opsCommands: CommandSpec[] = [list, get, cancel, logs];
