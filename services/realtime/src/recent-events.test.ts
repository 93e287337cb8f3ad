import { describe, expect, it } from 'vitest';
import { type RecentEvent, RecentEvents } from './recent-events.js';

const encoder = new TextEncoder();
const event = (seq: number, subject = 'idp.evt.t.application.a.status', size = 10): RecentEvent => ({
  seq,
  subject,
  data: encoder.encode('x'.repeat(size)),
  storedAt: '2026-11-28T00:00:00Z',
});
const seqs = (events: RecentEvent[]) => events.map((e) => e.seq);

describe('the window of the stream tail', () => {
  it('covers a since from its floor to its last seq, in its own epoch only', () => {
    const recent = new RecentEvents(1024 * 1024);
    expect(recent.covers('e1', 0)).toBe(false); // nothing started yet
    recent.reset('e1', 10);
    for (let seq = 11; seq <= 15; seq++) recent.append(event(seq));
    expect(recent.covers('e1', 10)).toBe(true);
    expect(recent.covers('e1', 15)).toBe(true);
    expect(recent.covers('e1', 9)).toBe(false); // seq 10 was stored before the feed started
    expect(recent.covers('e1', 16)).toBe(false); // a seq it has not seen: the stream decides
    expect(recent.covers('e2', 12)).toBe(false);
  });

  it('gives the events of one subject after since, oldest first', () => {
    const recent = new RecentEvents(1024 * 1024);
    recent.reset('e1', 0);
    for (let seq = 1; seq <= 9; seq++) recent.append(event(seq, seq % 3 === 0 ? 'a' : 'b'));
    expect(seqs(recent.after('a', 0))).toEqual([3, 6, 9]);
    expect(seqs(recent.after('a', 3))).toEqual([6, 9]);
    expect(seqs(recent.after('a', 4))).toEqual([6, 9]);
    expect(seqs(recent.after('a', 9))).toEqual([]);
    expect(seqs(recent.after('b', 6))).toEqual([7, 8]);
    expect(recent.after('c', 0)).toEqual([]);
  });

  it('drops the oldest events past its byte bound and raises its floor to the last one dropped', () => {
    // 10 bytes of data + 1 of subject + 160 of bookkeeping per event: four fit in 700 bytes.
    const recent = new RecentEvents(700);
    recent.reset('e1', 0);
    for (let seq = 1; seq <= 6; seq++) recent.append(event(seq, 's'));
    expect(recent.stats).toMatchObject({ events: 4, floor: 2, last: 6 });
    expect(recent.stats.bytes).toBeLessThanOrEqual(700);
    expect(recent.covers('e1', 1)).toBe(false);
    expect(recent.covers('e1', 2)).toBe(true);
    expect(seqs(recent.after('s', 2))).toEqual([3, 4, 5, 6]);
  });

  it('stays exact over many evictions across subjects (its lists compact as they go)', () => {
    // 10 bytes of data + 2 of subject + 160 of bookkeeping: exactly 100 events fit.
    const recent = new RecentEvents(100 * 172);
    recent.reset('e1', 0);
    for (let seq = 1; seq <= 20_000; seq++) recent.append(event(seq, `s${seq % 7}`));
    const { floor, events } = recent.stats;
    expect(events).toBe(100);
    expect(floor).toBe(19_900);
    const all = [0, 1, 2, 3, 4, 5, 6].flatMap((n) => seqs(recent.after(`s${n}`, floor)));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => 19_901 + i));
  });

  it('ignores a seq that does not follow the last one, and forgets everything on reset', () => {
    const recent = new RecentEvents(1024 * 1024);
    recent.reset('e1', 0);
    recent.append(event(1));
    recent.append(event(1));
    recent.append(event(3));
    recent.append(event(2));
    expect(seqs(recent.after('idp.evt.t.application.a.status', 0))).toEqual([1, 3]);
    recent.reset('e2', 40);
    expect(recent.stats).toEqual({ events: 0, bytes: 0, floor: 40, last: 40 });
    expect(recent.covers('e1', 3)).toBe(false);
  });

  it('holds nothing with a bound of 0, yet knows that nothing was missed at its last seq', () => {
    const recent = new RecentEvents(0);
    recent.reset('e1', 0);
    for (let seq = 1; seq <= 5; seq++) recent.append(event(seq));
    expect(recent.stats).toEqual({ events: 0, bytes: 0, floor: 5, last: 5 });
    expect(recent.covers('e1', 4)).toBe(false);
    expect(recent.covers('e1', 5)).toBe(true);
    expect(recent.after('idp.evt.t.application.a.status', 5)).toEqual([]);
  });
});
