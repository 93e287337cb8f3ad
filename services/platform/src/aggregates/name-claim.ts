// Name claims: one aggregate per (tenant, kind of object, name), so that two instances racing to create
// the same name serialise on one subject's expected sequence. Applications, resources and teams each
// have their own names: a team and an application may share one.
import { type HolderPresence, stillHolds } from './holder.js';
import { AggregateTypes, type StoredEvent } from './stored-event.js';

/** The aggregate holding each kind's name claims (`app_name` predates the others). */
export const NameClaimAggregates = {
  application: AggregateTypes.appName,
  resource: AggregateTypes.resourceName,
  team: AggregateTypes.teamName,
} as const;
export type NamedKind = keyof typeof NameClaimAggregates;

/** `application_id` is how claims were written before resources and teams had them. */
type ClaimData = { holder_id: string } | { application_id: string };

export type NameClaimEvent = StoredEvent<'name.claimed', ClaimData> | StoredEvent<'name.released', ClaimData>;

export interface NameClaimState {
  name: string;
  holder_id: string | null;
  claimed_at: string;
}

const holderOf = (data: ClaimData) => ('holder_id' in data ? data.holder_id : data.application_id);

export function applyNameClaim(state: NameClaimState | undefined, event: NameClaimEvent): NameClaimState {
  const holder = holderOf(event.data);
  if (event.type === 'name.claimed') return { name: event.id, holder_id: holder, claimed_at: event.at };
  const current = state ?? { name: event.id, holder_id: null, claimed_at: event.at };
  return current.holder_id === holder ? { ...current, holder_id: null } : current;
}

/** Whether the name is taken by an object other than `candidateId`. */
export function isNameHeld(
  claim: NameClaimState | undefined,
  candidateId: string,
  presence: (id: string) => HolderPresence,
  now = Date.now(),
): boolean {
  if (!claim?.holder_id || claim.holder_id === candidateId) return false;
  return stillHolds(presence(claim.holder_id), claim.claimed_at, now);
}
