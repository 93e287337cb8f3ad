import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrame } from './wire-frame.js';
import { WsTransport } from './ws-transport.js';

/** Payloads of the (short, unmasked) text frames in `bytes`. */
function payloads(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes[at + 1]! & 0x7f;
    out.push(bytes.subarray(at + 2, at + 2 + length).toString());
    at += 2 + length;
  }
  return out;
}

/**
 * The part of a `ws` socket the transport uses, recording each socket write (as the frames in it) and
 * each `ws.send`. `wsQueued` stands for frames ws itself still holds (compression, Blob sends).
 */
function fakeSocket(wsQueued: unknown[] = []) {
  const writes: string[][] = [];
  const log: string[] = [];
  const ws = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    _sender: { _queue: wsQueued },
    _socket: {
      cork: () => log.push('cork'),
      uncork: () => log.push('uncork'),
      write: (bytes: Buffer) => writes.push(payloads(bytes)),
    },
    send: (frame: Buffer | string) => log.push(String(frame)),
  };
  return { ws: ws as unknown as WebSocket, writes, log };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('WsTransport batching', () => {
  it('writes the frames of one turn in one socket write once the turn ends', async () => {
    const { ws, writes } = fakeSocket();
    const transport = new WsTransport(ws);
    transport.send('a');
    transport.send(Buffer.from('b'));
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([['a', 'b']]);
  });

  it('writes a socket queue of 64 frames at once, in order, without waiting for the turn to end', async () => {
    const { ws, writes } = fakeSocket();
    const flushed: number[] = [];
    const transport = new WsTransport(ws, (frames) => flushed.push(frames));
    const frames = Array.from({ length: 150 }, (_, i) => `f${i}`);
    for (const frame of frames) transport.send(frame);
    // Two full queues went out during the turn; the last 22 frames wait for its end.
    expect(writes.flat()).toEqual(frames.slice(0, 128));
    expect(writes).toHaveLength(2);
    await nextTurn();
    expect(writes.flat()).toEqual(frames);
    expect(flushed).toEqual([64, 64, 22]);
  });

  it('leaves the frames to ws, corked, while ws holds frames of its own', async () => {
    const { ws, writes, log } = fakeSocket([{ queued: 'by ws' }]);
    const transport = new WsTransport(ws);
    transport.send('a');
    transport.send('b');
    await nextTurn();
    expect(writes).toEqual([]);
    expect(log).toEqual(['cork', 'a', 'b', 'uncork']);
  });
});

describe('WsTransport on a real connection', () => {
  let server: WebSocketServer | undefined;
  afterEach(() => server?.close());

  /** A server socket wrapped in a transport, and the client's received messages. */
  async function connected(clients: number) {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    const sockets: WebSocket[] = [];
    server.on('connection', (ws) => sockets.push(ws));
    await new Promise((resolve) => server!.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const received: string[][] = [];
    const pings: number[] = [];
    const opened = Array.from({ length: clients }, (_, i) => {
      received.push([]);
      pings.push(0);
      const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      client.on('message', (data: Buffer, isBinary) =>
        received[i]!.push(isBinary ? 'binary!' : data.toString()),
      );
      client.on('ping', () => pings[i]!++);
      return new Promise((resolve) => client.once('open', resolve));
    });
    await Promise.all(opened);
    while (sockets.length < clients) await nextTurn();
    return { transports: sockets.map((ws) => new WsTransport(ws)), received, pings };
  }

  it('delivers text frames of every length form intact and in order, one payload shared by two clients', async () => {
    const { transports, received, pings } = await connected(2);
    const shared = [0, 125, 126, 65_535, 65_536, 200_000].map((n) => Buffer.from('e'.repeat(n)));
    for (const t of transports) {
      t.send('{"type":"subscribed"}');
      for (const payload of shared) t.send(payload);
      t.ping(); // ws's own frame, between ours
      t.send('{"type":"pong"}');
    }
    const expected = ['{"type":"subscribed"}', ...shared.map(String), '{"type":"pong"}'];
    const deadline = Date.now() + 5_000;
    while (received.some((r) => r.length < expected.length) && Date.now() < deadline) await nextTurn();
    expect(received).toEqual([expected, expected]);
    expect(pings).toEqual([1, 1]);
  });
});

describe('textFrame', () => {
  it('uses the 7-bit, 16-bit and 64-bit length forms at their boundaries', () => {
    expect([...textFrame(Buffer.alloc(125)).subarray(0, 2)]).toEqual([0x81, 125]);
    expect([...textFrame(Buffer.alloc(126)).subarray(0, 4)]).toEqual([0x81, 126, 0, 126]);
    expect([...textFrame(Buffer.alloc(65_535)).subarray(0, 4)]).toEqual([0x81, 126, 0xff, 0xff]);
    expect([...textFrame(Buffer.alloc(65_536)).subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(textFrame('héllo').subarray(2).toString()).toBe('héllo');
  });
});
