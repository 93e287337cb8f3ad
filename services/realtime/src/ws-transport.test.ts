import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { WsTransport } from './ws-transport.js';

/** The part of a `ws` socket the transport uses, recording what was written and how it was corked. */
function fakeSocket() {
  const log: string[] = [];
  const ws = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    _socket: { cork: () => log.push('cork'), uncork: () => log.push('uncork') },
    send: (frame: Buffer | string) => log.push(String(frame)),
  };
  return {
    ws: ws as unknown as WebSocket,
    log,
    sent: () => log.filter((l) => l !== 'cork' && l !== 'uncork'),
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('WsTransport', () => {
  it('writes the frames of one turn in one corked burst once the turn ends', async () => {
    const { ws, log } = fakeSocket();
    const transport = new WsTransport(ws);
    transport.send('a');
    transport.send('b');
    expect(log).toEqual([]);
    await nextTurn();
    expect(log).toEqual(['cork', 'a', 'b', 'uncork']);
  });

  it('writes a socket queue of 64 frames at once, in order, without waiting for the turn to end', async () => {
    const { ws, log, sent } = fakeSocket();
    const flushed: number[] = [];
    const transport = new WsTransport(ws, (frames) => flushed.push(frames));
    const frames = Array.from({ length: 150 }, (_, i) => `f${i}`);
    for (const frame of frames) transport.send(frame);
    // Two full queues went out during the turn; the last 22 frames wait for its end.
    expect(sent()).toEqual(frames.slice(0, 128));
    expect(log.filter((l) => l === 'cork')).toHaveLength(2);
    await nextTurn();
    expect(sent()).toEqual(frames);
    expect(flushed).toEqual([64, 64, 22]);
  });
});
