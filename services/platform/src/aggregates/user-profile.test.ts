import { describe, expect, it } from 'vitest';
import { AggregateTypes, makeEvent } from './stored-event.js';
import { applyUserProfile, type UserProfileEvent, type UserProfileState } from './user-profile.js';

const ref = { tenant_id: 't1', aggregate: AggregateTypes.user, id: 'alice', by: 'alice' };
const updated = (data: UserProfileEvent['data']) =>
  makeEvent(ref, 'profile.updated', data) as UserProfileEvent;
const fold = (events: UserProfileEvent[]) =>
  events.reduce<UserProfileState | undefined>((s, e) => applyUserProfile(s, e), undefined);

describe('user profile fold', () => {
  it('replaces preferences as a whole, so repeated updates cannot grow a profile', () => {
    const profile = fold([
      updated({ preferences: { theme: 'dark', a: 'x'.repeat(1000) } }),
      updated({ preferences: { b: 'y'.repeat(1000) } }),
      updated({ preferences: { theme: 'light' } }),
    ]);
    expect(profile?.preferences).toEqual({ theme: 'light' });
    expect(profile?.version).toBe(3);
  });

  it('keeps preferences when an update does not send them', () => {
    const profile = fold([updated({ preferences: { theme: 'dark' } }), updated({ display_name: 'Alice' })]);
    expect(profile).toMatchObject({ preferences: { theme: 'dark' }, display_name: 'Alice' });
  });
});
