import { describe, expect, it } from 'vitest';
import { MemoryFirstReplayer } from './memory-replay.js';
import { RecentEvents } from './recent-events.js';
import type { PreparedReplay, Replayer } from './replay.js';

const SUBJECT = 'idp.evt.t.application.a.status';
const encoder = new TextEncoder();
const body = (n: number) => encoder.encode(JSON.stringify({ event: 'status_changed', data: { n } }));

/** The JetStream replayer's seam: records what it was asked, answers with one stored event. */
function streamReplayer() {
  const asked: string[] = [];
  const stream = {
    acquire: async () => () => undefined,
    prepare: async (subject: string, since: number): Promise<PreparedReplay> => {
      asked.push(`prepare ${subject} ${since}`);
      return { subject, pending: 1, consumer: undefined };
    },
    discard: async () => {
      asked.push('discard');
    },
    run: async (_p: PreparedReplay, onEvent: (seq: number, b: never, at: string) => void) => {
      asked.push('run');
      onEvent(99, { event: 'from.stream', data: {} } as never, 'at');
      return 'done' as const;
    },
  };
  return { stream: stream as unknown as Replayer, asked };
}

function setUp(maxBytes = 1024 * 1024) {
  const recent = new RecentEvents(maxBytes);
  recent.reset('e1', 100);
  for (let seq = 101; seq <= 110; seq++)
    recent.append({ seq, subject: seq % 2 ? SUBJECT : 'other', data: body(seq), storedAt: `t${seq}` });
  const { stream, asked } = streamReplayer();
  const sources: string[] = [];
  const warnings: string[] = [];
  const replayer = new MemoryFirstReplayer(stream, {
    recent,
    currentEpoch: () => 'e1',
    onSource: (source) => sources.push(source),
    logger: { warn: (_d, message) => warnings.push(message) },
  });
  return { replayer, recent, asked, sources, warnings };
}

const options = (overrides: Partial<{ cancelled: () => boolean; timeoutMs: number }> = {}) => ({
  timeoutMs: 1_000,
  cancelled: () => false,
  drain: async () => undefined,
  ...overrides,
});

describe('resume from memory first', () => {
  it('serves a since the window covers from memory, without asking JetStream', async () => {
    const { replayer, asked, sources } = setUp();
    const prepared = await replayer.prepare(SUBJECT, 104);
    expect(prepared.pending).toBe(3);
    const got: [number, unknown, string][] = [];
    const outcome = await replayer.run(prepared, (seq, b, at) => got.push([seq, b.data, at]), options());
    expect(outcome).toBe('done');
    expect(got).toEqual([
      [105, { n: 105 }, 't105'],
      [107, { n: 107 }, 't107'],
      [109, { n: 109 }, 't109'],
    ]);
    await replayer.discard(prepared);
    expect(asked).toEqual([]);
    expect(sources).toEqual(['memory']);
  });

  it('reads the stream when since is older than the window, or from another stream life', async () => {
    const { replayer, asked, sources } = setUp();
    const older = await replayer.prepare(SUBJECT, 99);
    expect(older.recent).toBeUndefined();
    const got: number[] = [];
    await replayer.run(older, (seq) => got.push(seq), options());
    await replayer.discard(older);
    expect(got).toEqual([99]);
    expect(asked).toEqual([`prepare ${SUBJECT} 99`, 'run', 'discard']);
    expect(sources).toEqual(['stream']);

    const other = setUp();
    const otherLife = new MemoryFirstReplayer(streamReplayer().stream, {
      recent: other.recent,
      currentEpoch: () => 'e2',
      logger: { warn: () => undefined },
    });
    expect((await otherLife.prepare(SUBJECT, 105)).recent).toBeUndefined();
  });

  it('stops when the subscription goes away, and skips (and logs) a body that is not an event', async () => {
    const { replayer, recent, warnings } = setUp();
    recent.append({ seq: 111, subject: SUBJECT, data: encoder.encode('not json'), storedAt: 't' });
    recent.append({ seq: 113, subject: SUBJECT, data: body(113), storedAt: 't' });
    const got: number[] = [];
    expect(await replayer.run(await replayer.prepare(SUBJECT, 108), (seq) => got.push(seq), options())).toBe(
      'done',
    );
    expect(got).toEqual([109, 113]);
    expect(warnings).toEqual(['skipped a stored event that is not a PublishedEvent']);

    let seen = 0;
    const cancelled = await replayer.run(
      await replayer.prepare(SUBJECT, 100),
      () => seen++,
      options({ cancelled: () => seen >= 2 }),
    );
    expect(cancelled).toBe('cancelled');
    expect(seen).toBe(2);
  });
});
