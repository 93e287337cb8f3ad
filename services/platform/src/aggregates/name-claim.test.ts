import { describe, expect, it } from 'vitest';
import { applyNameClaim, isNameHeld, ORPHAN_CLAIM_MS } from './name-claim.js';
import { AggregateTypes, makeEvent } from './stored-event.js';

const ref = { tenant_id: 't1', aggregate: AggregateTypes.appName, id: 'shop', by: 'alice' };

describe('name claims', () => {
  const claimed = applyNameClaim(undefined, makeEvent(ref, 'name.claimed', { application_id: 'app_1' }));

  it('is held by a live application', () => {
    expect(isNameHeld(claimed, 'app_2', () => 'alive')).toBe(true);
  });

  it('is not held against the claimant itself', () => {
    expect(isNameHeld(claimed, 'app_1', () => 'alive')).toBe(false);
  });

  it('is free once the application is deleted or the claim released', () => {
    expect(isNameHeld(claimed, 'app_2', () => 'deleted')).toBe(false);
    const released = applyNameClaim(claimed, makeEvent(ref, 'name.released', { application_id: 'app_1' }));
    expect(isNameHeld(released, 'app_2', () => 'alive')).toBe(false);
  });

  it('holds a claim whose application is still being created, then lets an orphan lapse', () => {
    const now = Date.parse(claimed.claimed_at);
    expect(isNameHeld(claimed, 'app_2', () => 'missing', now + 10)).toBe(true);
    expect(isNameHeld(claimed, 'app_2', () => 'missing', now + ORPHAN_CLAIM_MS + 1)).toBe(false);
  });

  it('ignores a release by an application that no longer holds the claim', () => {
    const other = applyNameClaim(claimed, makeEvent(ref, 'name.released', { application_id: 'app_9' }));
    expect(other.application_id).toBe('app_1');
  });
});
