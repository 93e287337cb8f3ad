import { describe, expect, it } from 'vitest';
import { AggregateTypes, makeEvent } from './stored-event.js';
import { applyTeam, OWNER_ROLE } from './team.js';

const ref = { tenant_id: 't1', aggregate: AggregateTypes.team, id: 'team_1', by: 'alice' };

describe('team fold', () => {
  it('makes the creator the owner and adds members once', () => {
    let team = applyTeam(undefined, makeEvent(ref, 'team.created', { name: 'core', description: '' }));
    expect(team?.members).toEqual([expect.objectContaining({ user_id: 'alice', role: OWNER_ROLE })]);
    team = applyTeam(team, makeEvent(ref, 'team.member_added', { user_id: 'bob', role: 'member' }));
    team = applyTeam(team, makeEvent(ref, 'team.member_added', { user_id: 'bob', role: 'member' }));
    expect(team?.members.map((m) => m.user_id)).toEqual(['alice', 'bob']);
    expect(team?.version).toBe(2);
  });
});
