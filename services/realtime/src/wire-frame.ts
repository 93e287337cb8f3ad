// WebSocket text frames as they go on the wire (RFC 6455 §5.2, server to client: FIN, opcode 1, no
// mask), built once per event and shared by every socket that gets it. `ws.send` frames each send anew
// (a header buffer and two socket writes per frame per client); at 5,000 clients that was most of the
// difference between ours and a bare `ws` broadcast.

const FIN_TEXT = 0x81;
const framed = new WeakMap<Buffer, Buffer>();

/** The whole frame (header and payload) carrying `payload` as one text message. */
export function textFrame(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const length = body.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = FIN_TEXT;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  body.copy(frame, headerLength);
  return frame;
}

/**
 * `textFrame`, remembered for as long as the payload lives: an event's payload Buffer is one object
 * for all its subscribers, so it is framed once. Strings (control messages, one socket each) are not.
 */
export function sharedTextFrame(payload: Buffer | string): Buffer {
  if (typeof payload === 'string') return textFrame(payload);
  let frame = framed.get(payload);
  if (!frame) {
    frame = textFrame(payload);
    framed.set(payload, frame);
  }
  return frame;
}
