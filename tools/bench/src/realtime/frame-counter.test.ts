import { describe, expect, it } from 'vitest';
import { FrameCounter } from './frame-counter.js';

const PREFIX = Buffer.from('{"type":"event"');

/** A server frame (unmasked, FIN) with the given opcode and payload. */
function frame(opcode: number, payload: string | Buffer): Buffer {
  const body = Buffer.from(payload);
  const n = body.length;
  const header =
    n < 126
      ? Buffer.from([0x80 | opcode, n])
      : n < 65_536
        ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(n)]);
  return Buffer.concat([header, body]);
}
const bigLength = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const event = (n: number, pad = 0) => frame(1, `{"type":"event","n":${n}${' '.repeat(pad)}}`);

function counter() {
  const written: Buffer[] = [];
  let count = 0;
  const c = new FrameCounter(
    PREFIX,
    () => count++,
    (f) => written.push(f),
  );
  return { c, written, count: () => count };
}

describe('FrameCounter', () => {
  it('counts event frames of every length form and skips other text', () => {
    const { c, count } = counter();
    c.push(
      Buffer.concat([event(1), frame(1, '{"type":"pong"}'), event(2, 300), event(3, 70_000), frame(1, 'x')]),
    );
    expect(count()).toBe(3);
  });

  it('counts the same however the bytes are split into reads, one byte at a time included', () => {
    const stream = Buffer.concat([
      event(1),
      event(2, 200),
      frame(1, '{"type":"subscribed"}'),
      event(3, 66_000),
      event(4),
    ]);
    for (const size of [1, 2, 3, 7, 100, 4096]) {
      const { c, count } = counter();
      for (let i = 0; i < stream.length; i += size) c.push(stream.subarray(i, i + size));
      expect(count(), `reads of ${size} bytes`).toBe(4);
    }
  });

  it('reports the code of a close frame', () => {
    const codes: number[] = [];
    const c = new FrameCounter(
      PREFIX,
      () => {},
      () => {},
      (code) => codes.push(code),
    );
    c.push(
      Buffer.concat([
        event(1),
        frame(0x8, Buffer.from([0x0f, 0xa0, 0x73, 0x6c, 0x6f, 0x77])),
        frame(0x8, ''),
      ]),
    );
    expect(codes).toEqual([4000, 1005]);
  });

  it('answers a ping with a masked pong carrying its payload', () => {
    const { c, written, count } = counter();
    c.push(Buffer.concat([frame(0x9, 'hb-1'), event(1)]));
    expect(count()).toBe(1);
    expect(written).toHaveLength(1);
    const pong = written[0]!;
    expect(pong[0]).toBe(0x8a);
    expect(pong[1]).toBe(0x80 | 4);
    expect([...pong.subarray(2, 6)]).toEqual([0, 0, 0, 0]);
    expect(pong.subarray(6).toString()).toBe('hb-1');
  });
});
