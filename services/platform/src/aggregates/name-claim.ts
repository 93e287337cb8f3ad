// Application-name claims: one aggregate per (tenant, name) so that two instances racing to create the
// same name serialise on one subject's expected sequence.
import type { StoredEvent } from './stored-event.js';

export type NameClaimEvent =
  | StoredEvent<'name.claimed', { application_id: string }>
  | StoredEvent<'name.released', { application_id: string }>;

export interface NameClaimState {
  name: string;
  application_id: string | null;
  claimed_at: string;
}

/** A claim whose application never appeared (its creator crashed in between) lapses after this long. */
export const ORPHAN_CLAIM_MS = 30_000;

export function applyNameClaim(state: NameClaimState | undefined, event: NameClaimEvent): NameClaimState {
  if (event.type === 'name.claimed')
    return { name: event.id, application_id: event.data.application_id, claimed_at: event.at };
  const current = state ?? { name: event.id, application_id: null, claimed_at: event.at };
  return current.application_id === event.data.application_id
    ? { ...current, application_id: null }
    : current;
}

export type AppPresence = 'alive' | 'deleted' | 'missing';

/** Whether the name is taken by an application other than `candidateId`. */
export function isNameHeld(
  claim: NameClaimState | undefined,
  candidateId: string,
  presence: (id: string) => AppPresence,
  now = Date.now(),
): boolean {
  if (!claim?.application_id || claim.application_id === candidateId) return false;
  const holder = presence(claim.application_id);
  if (holder !== 'missing') return holder === 'alive';
  // Missing: either its creation is in flight or its creator crashed. Hold the name only for a while.
  return now - Date.parse(claim.claimed_at) < ORPHAN_CLAIM_MS;
}
