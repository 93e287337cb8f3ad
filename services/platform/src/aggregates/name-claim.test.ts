import { describe, expect, it } from 'vitest';
import { ORPHAN_CLAIM_MS } from './holder.js';
import { applyNameClaim, isNameHeld, NameClaimAggregates } from './name-claim.js';
import { AggregateTypes, makeEvent } from './stored-event.js';

const ref = { tenant_id: 't1', aggregate: NameClaimAggregates.team, id: 'shop', by: 'alice' };

describe('name claims', () => {
  const claimed = applyNameClaim(undefined, makeEvent(ref, 'name.claimed', { holder_id: 'team_1' }));

  it('is held by a live object', () => {
    expect(isNameHeld(claimed, 'team_2', () => 'alive')).toBe(true);
  });

  it('is not held against the claimant itself', () => {
    expect(isNameHeld(claimed, 'team_1', () => 'alive')).toBe(false);
  });

  it('is free once the object is deleted or the claim released', () => {
    expect(isNameHeld(claimed, 'team_2', () => 'deleted')).toBe(false);
    const released = applyNameClaim(claimed, makeEvent(ref, 'name.released', { holder_id: 'team_1' }));
    expect(isNameHeld(released, 'team_2', () => 'alive')).toBe(false);
  });

  it('holds a claim whose object is still being created, then lets an orphan lapse', () => {
    const now = Date.parse(claimed.claimed_at);
    expect(isNameHeld(claimed, 'team_2', () => 'missing', now + 10)).toBe(true);
    expect(isNameHeld(claimed, 'team_2', () => 'missing', now + ORPHAN_CLAIM_MS + 1)).toBe(false);
  });

  it('ignores a release by an object that no longer holds the claim', () => {
    const other = applyNameClaim(claimed, makeEvent(ref, 'name.released', { holder_id: 'team_9' }));
    expect(other.holder_id).toBe('team_1');
  });

  it('reads application claims stored before claims were generalised', () => {
    const appRef = { ...ref, aggregate: AggregateTypes.appName };
    const legacy = applyNameClaim(undefined, makeEvent(appRef, 'name.claimed', { application_id: 'app_1' }));
    expect(legacy.holder_id).toBe('app_1');
    const released = applyNameClaim(legacy, makeEvent(appRef, 'name.released', { application_id: 'app_1' }));
    expect(released.holder_id).toBeNull();
  });
});
