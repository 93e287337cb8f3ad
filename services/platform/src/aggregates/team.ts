// The team aggregate: creation (the creator becomes its owner) and members joining.
import type { Team } from '@idp/contracts';
import type { StoredEvent } from './stored-event.js';

export type TeamEvent =
  | StoredEvent<'team.created', { name: string; description: string }>
  | StoredEvent<'team.member_added', { user_id: string; role: string }>;

export const OWNER_ROLE = 'owner';

export function applyTeam(state: Team | undefined, event: TeamEvent): Team | undefined {
  if (event.type === 'team.created') {
    return {
      id: event.id,
      tenant_id: event.tenant_id,
      name: event.data.name,
      description: event.data.description,
      members: [{ user_id: event.by, role: OWNER_ROLE, added_at: event.at }],
      version: 1,
      created_by: event.by,
      created_at: event.at,
      updated_at: event.at,
    };
  }
  if (!state) return undefined;
  if (state.members.some((m) => m.user_id === event.data.user_id)) return state;
  return {
    ...state,
    members: [...state.members, { user_id: event.data.user_id, role: event.data.role, added_at: event.at }],
    version: state.version + 1,
    updated_at: event.at,
  };
}
