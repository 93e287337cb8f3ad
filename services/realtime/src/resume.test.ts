// Finding 8 (issue 9): a resume created one JetStream consumer per topic, all at once, and waited for a
// replay slot without bound.
import type { Consumer } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { authed, frame } from '../test/fake-context.js';
import type { ReplaySource } from './context.js';

const topics = (n: number) => Array.from({ length: n }, (_, i) => `application:app_ok${i}:status`);

/** Each topic has three stored events after `since`; counts the consumers alive at once. */
function countingReplayer() {
  const stats = { alive: 0, most: 0, created: 0 };
  const events = (subject: string) => [1, 2, 3].map((k) => ({ seq: hash(subject) * 10 + k, k }));
  const replayer: ReplaySource = {
    acquire: async () => () => undefined,
    prepare: async (subject) => {
      stats.created++;
      stats.most = Math.max(stats.most, ++stats.alive);
      await new Promise((r) => setTimeout(r, 1));
      return { subject, pending: 3, consumer: { subject } as unknown as Consumer };
    },
    discard: async (p) => {
      if (p.consumer) stats.alive--;
    },
    run: async (p, onEvent) => {
      for (const e of events(p.subject))
        onEvent(e.seq, { event: 'progress_updated', data: { k: e.k } }, '2024-01-01T00:00:00Z');
      stats.alive--;
      return 'done';
    },
  };
  return { stats, replayer };
}

const hash = (s: string) => Number(/app_ok(\d+)/.exec(s)?.[1] ?? 0) + 1;

describe('resume cost', () => {
  it('holds one JetStream consumer at a time, however many topics it resumes', async () => {
    const { stats, replayer } = countingReplayer();
    const { c, sent } = await authed({}, { replayer });
    c.onFrame(frame({ type: 'subscribe', topics: topics(50), since: 0 }), false);
    await c.settled();
    expect(stats.most).toBe(1);
    expect(stats.alive).toBe(0);
    expect(sent.find((m) => m.type === 'subscribed')).toMatchObject({ resumed: true });
    const events = sent.filter((m) => m.type === 'event');
    expect(events).toHaveLength(150);
    for (const t of topics(50))
      expect(events.filter((e) => e.topic === t).map((e) => e.data.k)).toEqual([1, 2, 3]);
    // Counting and replaying: at most two consumers per topic over time, never two at once.
    expect(stats.created).toBeLessThanOrEqual(100);
  });

  it('reuses the counting consumer when it resumes a single topic', async () => {
    const { stats, replayer } = countingReplayer();
    const { c } = await authed({}, { replayer });
    c.onFrame(frame({ type: 'subscribe', topics: topics(1), since: 0 }), false);
    await c.settled();
    expect(stats.created).toBe(1);
  });

  it('answers a clear error and closes 4005 when no replay slot frees up in time', async () => {
    const { c, sent, closes, index } = await authed(
      { replay_slot_timeout_ms: 50 },
      {
        replayer: {
          acquire: async (timeoutMs) => {
            expect(timeoutMs).toBe(50);
            return undefined;
          },
          prepare: async () => {
            throw new Error('must not be called');
          },
          discard: async () => undefined,
          run: async () => 'done',
        },
      },
    );
    c.onFrame(frame({ type: 'subscribe', topics: topics(2), since: 0 }), false);
    await c.settled();
    expect(sent.at(-1)).toEqual({
      type: 'error',
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message:
          'No replay slot free within 50 ms (the instance is busy resuming other clients); reconnect and resume',
        details: { reason: 'replay_slot_timeout', timeout_ms: 50 },
      },
    });
    expect(closes).toEqual([4005]);
    expect(index.subjects).toBe(0);
  });
});
