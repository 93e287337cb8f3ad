import { describe, expect, it } from 'vitest';
import { inBatch } from './backend-batch.js';

describe('inBatch', () => {
  it('starts calls queued in one turn together, in order, after the turn', async () => {
    const started: number[] = [];
    const calls = [1, 2, 3].map((n) =>
      inBatch(async () => {
        started.push(n);
        return n * 10;
      }),
    );
    expect(started).toEqual([]);
    expect(await Promise.all(calls)).toEqual([10, 20, 30]);
    expect(started).toEqual([1, 2, 3]);
  });

  it('hands a failing call its own rejection, synchronous or not, and leaves the others alone', async () => {
    const sync = inBatch((): Promise<number> => {
      throw new Error('sync');
    });
    const async = inBatch(() => Promise.reject(new Error('async')));
    const fine = inBatch(() => Promise.resolve('ok'));
    await expect(sync).rejects.toThrow('sync');
    await expect(async).rejects.toThrow('async');
    await expect(fine).resolves.toBe('ok');
  });
});
