// Quota reservations: one aggregate per (tenant, counted kind). A create appends its reservation with
// the aggregate's last sequence as expectation, so reservations racing on several instances are
// decided one at a time, each against the count that includes all earlier ones. Only creates in flight
// need a reservation (stored objects are counted from the read model), so each new reservation drops
// the ones that are settled: their object is stored, deleted, or its creator gave up or crashed.
import { type HolderPresence, stillHolds } from './holder.js';
import type { StoredEvent } from './stored-event.js';

export type QuotaEvent =
  | StoredEvent<'quota.reserved', { holder_id: string; settled: string[] }>
  | StoredEvent<'quota.released', { holder_id: string }>;

export interface Reservation {
  holder_id: string;
  reserved_at: string;
}

export interface QuotaState {
  pending: Reservation[];
}

export function applyQuota(state: QuotaState | undefined, event: QuotaEvent): QuotaState {
  const pending = state?.pending ?? [];
  if (event.type === 'quota.released')
    return { pending: pending.filter((r) => r.holder_id !== event.data.holder_id) };
  const settled = new Set([...event.data.settled, event.data.holder_id]);
  return {
    pending: [
      ...pending.filter((r) => !settled.has(r.holder_id)),
      { holder_id: event.data.holder_id, reserved_at: event.at },
    ],
  };
}

/** Reservations whose object is not stored yet and whose creator may still store it. */
export function inFlight(
  state: QuotaState | undefined,
  presence: (id: string) => HolderPresence,
  now = Date.now(),
): Reservation[] {
  return (state?.pending ?? []).filter(
    (r) => presence(r.holder_id) === 'missing' && stillHolds('missing', r.reserved_at, now),
  );
}

/** Holders whose reservation is no longer needed, for the next reservation to drop. */
export function settledHolders(
  state: QuotaState | undefined,
  presence: (id: string) => HolderPresence,
  now = Date.now(),
): string[] {
  const live = new Set(inFlight(state, presence, now).map((r) => r.holder_id));
  return (state?.pending ?? []).map((r) => r.holder_id).filter((id) => !live.has(id));
}

export const isReserved = (state: QuotaState | undefined, holderId: string): boolean =>
  state?.pending.some((r) => r.holder_id === holderId) ?? false;
