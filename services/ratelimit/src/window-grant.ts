// The lease arithmetic, pure so tests can drive it with any clock: a fixed window anchored at the
// first request after the previous window ended, and a grant that is never more than what is left.
// A grant is a share of what is left (so the last tokens are spread over the edges that ask) but at
// least what the edge's waiting requests need: those tokens are spent at once, none is stranded, and
// a cold burst of N on a limit of N admits exactly N.
import type { LeaseBucketRequest, LeaseGrant } from '@idp/contracts';

/** What the KV stores per counter. */
export interface WindowState {
  start_ms: number;
  window_ms: number;
  /** Tokens handed out in this window (leased, whether or not the edges have spent them yet). */
  count: number;
}

/**
 * One edge may take at most this fraction of what is left, so that near the limit the last tokens
 * are spread over the edges that ask instead of stranded in one edge's lease.
 */
export const LEASE_SHARE_DIVISOR = 4;

export interface GrantOutcome {
  grant: LeaseGrant;
  /** The state to write, or undefined when nothing changed (a refusal costs no write). */
  next?: WindowState;
}

export function grantTokens(
  state: WindowState | undefined,
  request: LeaseBucketRequest,
  now: number,
): GrantOutcome {
  const expired = !state || state.window_ms !== request.window_ms || now >= state.start_ms + state.window_ms;
  const current: WindowState = expired ? { start_ms: now, window_ms: request.window_ms, count: 0 } : state;
  const left = Math.max(0, request.limit - current.count);
  const share = Math.max(1, Math.ceil(left / LEASE_SHARE_DIVISOR));
  const granted = Math.min(left, Math.max(Math.min(request.want, share), request.need ?? 0));
  const grant: LeaseGrant = {
    key: request.key,
    granted,
    window: current.start_ms,
    remaining: left - granted,
    reset_in_ms: Math.max(0, current.start_ms + current.window_ms - now),
  };
  if (granted === 0 && !expired) return { grant };
  return { grant, next: { ...current, count: current.count + granted } };
}
