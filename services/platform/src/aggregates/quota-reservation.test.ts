import { describe, expect, it } from 'vitest';
import type { HolderPresence } from './holder.js';
import { ORPHAN_CLAIM_MS } from './holder.js';
import { applyQuota, inFlight, isReserved, type QuotaState, settledHolders } from './quota-reservation.js';
import { AggregateTypes, makeEvent } from './stored-event.js';

const ref = { tenant_id: 't1', aggregate: AggregateTypes.quota, id: 'teams', by: 'alice' };
const reserve = (state: QuotaState | undefined, holder_id: string, settled: string[] = []) =>
  applyQuota(state, makeEvent(ref, 'quota.reserved', { holder_id, settled }));
const presenceOf =
  (known: Record<string, HolderPresence>) =>
  (id: string): HolderPresence =>
    known[id] ?? 'missing';

describe('quota reservations', () => {
  it('counts only creates in flight: not stored, not deleted, not lapsed', () => {
    const state = reserve(reserve(reserve(undefined, 'a'), 'b'), 'c');
    const presence = presenceOf({ a: 'alive', b: 'deleted' });
    // The newest reservation's time: the clock may tick between the three reserves, and `c` must
    // have lapsed too at the second check.
    const now = Date.parse(state.pending.at(-1)!.reserved_at);
    expect(inFlight(state, presence, now + 10).map((r) => r.holder_id)).toEqual(['c']);
    expect(inFlight(state, presence, now + ORPHAN_CLAIM_MS + 1)).toEqual([]);
  });

  it('drops settled reservations with the next one', () => {
    const state = reserve(reserve(undefined, 'a'), 'b');
    const settled = settledHolders(state, presenceOf({ a: 'alive' }));
    expect(settled).toEqual(['a']);
    const next = reserve(state, 'c', settled);
    expect(next.pending.map((r) => r.holder_id)).toEqual(['b', 'c']);
  });

  it('gives a released slot back', () => {
    const state = reserve(reserve(undefined, 'a'), 'b');
    const released = applyQuota(state, makeEvent(ref, 'quota.released', { holder_id: 'a' }));
    expect(isReserved(released, 'a')).toBe(false);
    expect(isReserved(released, 'b')).toBe(true);
  });
});
