// The user-profile aggregate, one per (tenant, sub): only what the user chose to set. Preferences
// are replaced as a whole by each update (PUT), and bounded by the contract (StoredDataLimits).
import type { StoredEvent } from './stored-event.js';

export type UserProfileEvent = StoredEvent<
  'profile.updated',
  { display_name?: string; email?: string; preferences?: Record<string, unknown> }
>;

export interface UserProfileState {
  display_name: string | null;
  email: string | null;
  preferences: Record<string, unknown>;
  version: number;
  updated_at: string;
}

export function applyUserProfile(
  state: UserProfileState | undefined,
  event: UserProfileEvent,
): UserProfileState {
  const base = state ?? {
    display_name: null,
    email: null,
    preferences: {},
    version: 0,
    updated_at: event.at,
  };
  return {
    display_name: event.data.display_name ?? base.display_name,
    email: event.data.email ?? base.email,
    // Replaced, never merged: a merge would let a profile grow past what one reply can carry.
    preferences: event.data.preferences ?? base.preferences,
    version: base.version + 1,
    updated_at: event.at,
  };
}
