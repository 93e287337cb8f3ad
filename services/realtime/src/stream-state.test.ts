import { describe, expect, it } from 'vitest';
import { canResume, epochOf } from './stream-state.js';

const info = (created: string) =>
  ({ created, config: { name: 'IDP_EVENTS' } }) as Parameters<typeof epochOf>[0];

describe('epoch and resume window', () => {
  it('gives a recreated stream a new epoch and the same stream the same one', () => {
    expect(epochOf(info('2024-01-15T10:30:00.123456789Z'))).toBe(
      epochOf(info('2024-01-15T10:30:00.123456789Z')),
    );
    expect(epochOf(info('2024-01-15T10:30:00.123456789Z'))).not.toBe(
      epochOf(info('2024-01-15T10:30:00.123456790Z')),
    );
    expect(epochOf(info('2024-01-15T10:30:00Z'))).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('resumes only within the same epoch and the retained window', () => {
    const window = { epoch: 'e1', firstSeq: 10, lastSeq: 20 };
    expect(canResume(window, 9, 'e1')).toBe(true);
    expect(canResume(window, 20, undefined)).toBe(true);
    expect(canResume(window, 8, 'e1')).toBe(false);
    expect(canResume(window, 15, 'e2')).toBe(false);
    expect(canResume(window, 21, 'e1')).toBe(false);
  });
});
