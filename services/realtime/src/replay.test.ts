import type { JetStreamClient } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { logger } from '../test/fake-context.js';
import { Replayer } from './replay.js';

const replayer = (slots: number) => new Replayer({} as JetStreamClient, 'IDP_EVENTS', logger, slots);

describe('replay slots', () => {
  it('gives up waiting for a slot after the timeout, and the slot is not lost', async () => {
    const r = replayer(1);
    const first = await r.acquire(50);
    expect(first).toBeDefined();
    const started = Date.now();
    expect(await r.acquire(50)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(r.load).toEqual({ active: 1, waiting: 0 });
    first!();
    expect(r.load).toEqual({ active: 0, waiting: 0 });
    expect(await r.acquire(50)).toBeDefined();
  });

  it('hands a released slot to the first waiter, in order', async () => {
    const r = replayer(1);
    const first = await r.acquire(1_000);
    const order: string[] = [];
    const waitFor = async (name: string) => {
      const release = await r.acquire(1_000);
      order.push(name);
      return release;
    };
    const a = waitFor('a');
    const b = waitFor('b');
    expect(r.load).toEqual({ active: 1, waiting: 2 });
    first!();
    (await a)!();
    (await b)!();
    expect(order).toEqual(['a', 'b']);
    expect(r.load).toEqual({ active: 0, waiting: 0 });
  });
});
