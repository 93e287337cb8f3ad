// The resume rules of the browser's realtime module, driven message by message (no socket opened).
import { describe, expect, it } from 'vitest';
import { LiveTopic } from '../src/realtime.js';

const TOPIC = 'operation:op_1:progress';
const event = (seq) =>
  JSON.stringify({ type: 'event', topic: TOPIC, event: 'progress_updated', data: {}, seq });

function topic(since) {
  const seen = [];
  const gaps = [];
  const statuses = [];
  const live = new LiveTopic({
    url: 'ws://127.0.0.1:1/ws/v1',
    token: 't',
    topic: TOPIC,
    since,
    onEvent: (e) => seen.push(e.seq),
    onGap: () => gaps.push(live.lastSeq),
    onStatus: (s) => statuses.push(s.state),
  });
  return { live, seen, gaps, statuses };
}

describe('a followed topic', () => {
  it('shows each event once, in order, dropping what a resume replays again', () => {
    const { live, seen } = topic(0);
    for (const seq of [3, 4, 4, 2, 5, 5, 7]) live.onMessage(event(seq));
    expect(seen).toEqual([3, 4, 5, 7]);
    expect(live.lastSeq).toBe(7);
  });

  it('ignores other topics and text that is not JSON', () => {
    const { live, seen } = topic(0);
    live.onMessage('not json');
    live.onMessage(JSON.stringify({ type: 'event', topic: 'application:a:status', seq: 9 }));
    expect(seen).toEqual([]);
  });

  it('starts counting afresh and reports a gap when the server cannot resume', () => {
    const { live, gaps, statuses } = topic(0);
    live.onMessage(event(10));
    live.onMessage(JSON.stringify({ type: 'subscribed', topics: [TOPIC], epoch: 'e2', resumed: false }));
    expect(gaps).toEqual([undefined]);
    expect(live.epoch).toBe('e2');
    expect(statuses.at(-1)).toBe('live');
  });

  it('gives up on a close code meaning "not with this credential", and retries otherwise', () => {
    const fatal = topic(0);
    fatal.live.ws = /** @type {any} */ ({});
    fatal.live.onClose(fatal.live.ws, 4401, 'auth failed');
    expect(fatal.statuses.at(-1)).toBe('failed');

    const lost = topic(0);
    lost.live.ws = /** @type {any} */ ({});
    lost.live.onClose(lost.live.ws, 1006, '');
    expect(lost.statuses.at(-1)).toBe('reconnecting');
    lost.live.close();
    expect(lost.statuses.at(-1)).toBe('closed');
  });
});
