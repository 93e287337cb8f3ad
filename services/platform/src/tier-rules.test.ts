import { ApiError } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { assertTier, checkTier } from './tier-rules.js';

describe('tier rules', () => {
  it('rejects an xl database on the free tier with the spec message', () => {
    expect(checkTier('database', 'free', { engine: 'postgres', size: 'xl', storage_gb: 10 })).toEqual({
      field: 'spec.size',
      reason: "Size 'xl' is not allowed for free tier",
    });
  });

  it('throws a VALIDATION_ERROR naming the field', () => {
    try {
      assertTier('database', 'free', { size: 'xl', storage_gb: 10 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('VALIDATION_ERROR');
      expect((error as ApiError).message).toBe("Size 'xl' is not allowed for free tier");
      expect((error as ApiError).details).toEqual({
        field: 'spec.size',
        reason: "Size 'xl' is not allowed for free tier",
      });
    }
  });

  it('limits free databases to 20 GB and no high availability', () => {
    expect(checkTier('database', 'free', { size: 's', storage_gb: 21 })?.field).toBe('spec.storage_gb');
    expect(checkTier('database', 'free', { size: 's', storage_gb: 20, high_availability: true })?.field).toBe(
      'spec.high_availability',
    );
    expect(
      checkTier('database', 'free', { size: 'm', storage_gb: 20, high_availability: false }),
    ).toBeUndefined();
  });

  it('allows only small caches without replicas on free', () => {
    expect(checkTier('cache', 'free', { size: 'm' })?.field).toBe('spec.size');
    expect(checkTier('cache', 'free', { size: 's', replicas: 1 })?.field).toBe('spec.replicas');
    expect(checkTier('cache', 'free', { size: 's', replicas: 0 })).toBeUndefined();
  });

  it('allows only small runners on free', () => {
    expect(checkTier('ci_pipeline', 'free', { runner_size: 'm' })?.reason).toBe(
      "Runner size 'm' is not allowed for free tier",
    );
    expect(checkTier('ci_pipeline', 'free', { runner_size: 's' })).toBeUndefined();
  });

  it('forbids internal repositories on free only', () => {
    expect(checkTier('git_repository', 'free', { visibility: 'internal' })?.field).toBe('spec.visibility');
    expect(checkTier('git_repository', 'pro', { visibility: 'internal' })).toBeUndefined();
  });

  it('forbids xl on pro and allows anything on enterprise', () => {
    expect(
      checkTier('database', 'pro', { size: 'xl', storage_gb: 500, high_availability: true })?.reason,
    ).toBe("Size 'xl' is not allowed for pro tier");
    expect(
      checkTier('database', 'pro', { size: 'l', storage_gb: 500, high_availability: true }),
    ).toBeUndefined();
    expect(checkTier('cache', 'enterprise', { size: 'xl', replicas: 5 })).toBeUndefined();
    expect(checkTier('ci_pipeline', 'enterprise', { runner_size: 'xl' })).toBeUndefined();
  });
});
