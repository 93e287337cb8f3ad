// Small helpers every route handler uses: replies, paging, If-Match, tenant-scoped lookups and the
// catch-up-and-retry loop around optimistic appends.
import {
  ApiError,
  conflict,
  notFound,
  type Pagination,
  paginate,
  type RpcRequest,
  type RpcSuccess,
} from '@idp/contracts';
import type { AggregateType } from './aggregates/stored-event.js';
import type { Deps } from './deps.js';
import { isWrongSequence, sleep } from './event-store.js';

export type Handler = (req: RpcRequest, deps: Deps) => Promise<RpcSuccess>;

const COMMAND_RETRIES = 5;

export function ok(
  data: unknown,
  options: { status?: 200 | 201 | 202; etag?: number; pagination?: Pagination } = {},
): RpcSuccess {
  const reply: RpcSuccess = { ok: true, status: options.status ?? 200, data };
  if (options.etag !== undefined) reply.etag = String(options.etag);
  if (options.pagination) reply.pagination = options.pagination;
  return reply;
}

export const byCreatedAt = (item: { created_at: string }) => item.created_at;

/** Sorts (stably) by `sortKey` when given, then returns the page the query asks for. */
export function okPage<T>(req: RpcRequest, items: T[], sortKey?: (item: T) => string): RpcSuccess {
  const sorted = sortKey ? [...items].sort((a, b) => sortKey(a).localeCompare(sortKey(b))) : items;
  const page = typeof req.query.page === 'number' ? req.query.page : 1;
  const perPage = typeof req.query.per_page === 'number' ? req.query.per_page : undefined;
  const { items: slice, pagination } = paginate(sorted, page, perPage);
  return ok(slice, { pagination });
}

export const tenantOf = (req: RpcRequest) => req.principal.tenant_id;

export const ref = (req: RpcRequest, aggregate: AggregateType, id: string) => ({
  tenant_id: req.principal.tenant_id,
  aggregate,
  id,
  by: req.principal.sub,
});

export function param(req: RpcRequest, name: string): string {
  const value = req.params[name];
  if (!value) throw new ApiError('VALIDATION_ERROR', `Missing path parameter '${name}'`, { field: name });
  return value;
}

export function body<T>(req: RpcRequest): T {
  return (req.body ?? {}) as T;
}

/** A stale If-Match is a 409 naming both versions. */
export function checkIfMatch(req: RpcRequest, actual: number): void {
  if (req.if_match === undefined || req.if_match === '*') return;
  if (req.if_match !== String(actual)) {
    throw conflict('The object was modified since you read it (If-Match does not match)', {
      expected: req.if_match,
      actual: String(actual),
    });
  }
}

export function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw notFound(what, id);
  return value;
}

/** How hard a command keeps trying when its appends lose races. */
export interface CatchUpPolicy {
  attempts: number;
  /** Longest random pause before the next attempt: spreads many racers so rounds are not all collisions. */
  maxPauseMs: number;
  /** The 409's message once the attempts are used up. */
  giveUp: string;
}

/** Edits of one object: a few lost races mean someone else is editing it right now. */
const EDIT_POLICY: CatchUpPolicy = {
  attempts: COMMAND_RETRIES,
  maxPauseMs: 0,
  giveUp: 'The object is being modified concurrently; retry the request',
};

/**
 * Runs a command against a caught-up read model; when its append loses a race (another write landed
 * on the aggregate first) it catches up and runs the whole command again, a bounded number of times.
 */
export async function withCatchUp<T>(
  deps: Deps,
  command: () => Promise<T>,
  policy: CatchUpPolicy = EDIT_POLICY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await deps.barrier.wait();
    try {
      return await command();
    } catch (error) {
      if (!isWrongSequence(error)) throw error;
      if (attempt >= policy.attempts) throw conflict(policy.giveUp);
      deps.logger.debug({ attempt }, 'append lost a race, catching up and retrying');
      if (policy.maxPauseMs > 0) await sleep(Math.random() * policy.maxPauseMs);
    }
  }
}

/** Waits until our own append at `seq` is folded, so the reply shows it. */
export const caughtUp = (deps: Deps, seq: number) =>
  deps.projection.waitFor(seq, deps.env.IDP_READ_BARRIER_TIMEOUT_MS);
