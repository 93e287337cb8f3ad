// The rule name claims and quota reservations share. Both are appended before the object they are for
// (their "holder") is stored, so while the holder is missing its create is either in flight or its
// creator crashed: the claim counts for a while, then lapses, so a crash never blocks a name or a quota
// slot for good.

export type HolderPresence = 'alive' | 'deleted' | 'missing';

/** A claim or reservation whose holder never appeared lapses after this long (by the reader's clock). */
export const ORPHAN_CLAIM_MS = 30_000;

/**
 * A creator that has not stored its object this long after claiming gives up instead (503), so its
 * object can never appear after others let its claim lapse, even with instances' clocks some seconds
 * apart: the gap between the two is the clock skew (and the store's own retries) we tolerate.
 */
export const CREATE_DEADLINE_MS = ORPHAN_CLAIM_MS / 2;

/** Whether a claim made at `since` for a holder in this state still counts. */
export function stillHolds(presence: HolderPresence, since: string, now = Date.now()): boolean {
  if (presence !== 'missing') return presence === 'alive';
  return now - Date.parse(since) < ORPHAN_CLAIM_MS;
}
