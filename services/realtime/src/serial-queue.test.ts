import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

describe('serial queue', () => {
  it('runs tasks one at a time, in order', async () => {
    const q = new SerialQueue(10, () => undefined);
    const order: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running++;
      expect(running).toBe(1);
      await new Promise((r) => setTimeout(r, 2));
      order.push(name);
      running--;
    };
    for (const name of ['a', 'b', 'c']) q.push(task(name));
    await q.settled();
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('refuses a task once `limit` are waiting behind the running one', async () => {
    const q = new SerialQueue(2, () => undefined);
    let unblock!: () => void;
    q.push(() => new Promise<void>((r) => (unblock = r)));
    await Promise.resolve();
    expect(q.push(() => undefined)).toBe(true);
    expect(q.push(() => undefined)).toBe(true);
    expect(q.push(() => undefined)).toBe(false);
    expect(q.size).toBe(2);
    unblock();
    await q.settled();
    expect(q.size).toBe(0);
    expect(q.push(() => undefined)).toBe(true);
  });

  it('counts the task about to start as running, not waiting (frames of one read)', async () => {
    const q = new SerialQueue(2, () => undefined);
    const accepted = Array.from({ length: 4 }, () => q.push(() => undefined));
    expect(accepted).toEqual([true, true, true, false]);
    await q.settled();
  });

  it('reports a failing task and goes on with the next', async () => {
    const errors: unknown[] = [];
    const q = new SerialQueue(5, (e) => errors.push(e));
    let ran = false;
    q.push(() => {
      throw new Error('boom');
    });
    q.push(() => {
      ran = true;
    });
    await q.settled();
    expect(errors).toHaveLength(1);
    expect(ran).toBe(true);
  });
});
