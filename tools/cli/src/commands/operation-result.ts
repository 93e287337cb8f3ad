// What a long-running command (deploy, rollback, resource create/delete) does with its 202: print the
// operation, or with `--follow` watch it to its end, print a summary and exit 0 (succeeded) or 1.
import type { Operation, OperationAccepted } from '@idp/contracts';
import type { Context } from '../cli/context.js';
import { type ExitCode, ExitCodes } from '../exit-codes.js';
import { followOperation } from '../follow/follow-operation.js';
import { LiveView } from '../render/live-view.js';
import type { Output } from '../render/output.js';
import { PlainView } from '../render/progress-view.js';

export const FOLLOW_OPTION = {
  follow: {
    type: 'boolean',
    short: 'f',
    description: 'show live progress until it ends (exit 1 unless it succeeds)',
  },
} as const;

export async function acceptedOperation(
  ctx: Context,
  accepted: OperationAccepted,
  follow: boolean,
  title: string,
): Promise<ExitCode> {
  if (!follow) {
    ctx.out.result(accepted, () => {
      ctx.out.say(`${title}: operation ${ctx.out.style('bold', accepted.operation_id)} ${accepted.status}`);
      ctx.out.say(ctx.out.style('dim', `follow it: idp ops logs ${accepted.operation_id} --follow`));
    });
    return ExitCodes.ok;
  }
  return followToEnd(ctx, accepted.operation_id, `${title} (${accepted.operation_id})`);
}

export async function followToEnd(ctx: Context, operationId: string, title: string): Promise<ExitCode> {
  const { wsUrl } = await ctx.connection();
  const view = ctx.out.animated ? new LiveView(ctx.out) : new PlainView(ctx.out);
  const op = await followOperation(
    { api: await ctx.api(), wsUrl, credential: await ctx.credential(), view, title },
    operationId,
  );
  ctx.out.result(op, () => printSummary(ctx.out, op));
  return op.status === 'succeeded' ? ExitCodes.ok : ExitCodes.failed;
}

function printSummary(out: Output, op: Operation): void {
  const took =
    op.started_at && op.completed_at
      ? ` in ${((Date.parse(op.completed_at) - Date.parse(op.started_at)) / 1000).toFixed(1)} s`
      : '';
  const done = op.stages.filter((s) => s.status === 'succeeded').length;
  const line = `${op.kind} ${op.status}${took}: ${done}/${op.stages.length} stages`;
  if (op.status === 'succeeded') out.say(out.style('green', `✔ ${line}`));
  else out.say(out.style('red', `✖ ${line}${op.error ? ` — ${op.error}` : ''}`));
}
