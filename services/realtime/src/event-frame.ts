// Decodes what publishers put on `idp.evt.*` and builds the `event` frame clients receive. A frame is
// serialised once per event and topic and the same bytes go to every subscriber.
import { PublishedEvent } from '@idp/contracts';
import { Compile } from 'typebox/compile';

const checkEvent = Compile(PublishedEvent);
const decoder = new TextDecoder();

/** The body when it is a valid PublishedEvent, undefined otherwise (the caller logs and skips it). */
export function decodePublishedEvent(data: Uint8Array): PublishedEvent | undefined {
  try {
    const value: unknown = JSON.parse(decoder.decode(data));
    return checkEvent.Check(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `storedAt` is the stream's timestamp, used when the publisher sent none. */
export function buildEventFrame(topic: string, body: PublishedEvent, seq: number, storedAt: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      type: 'event',
      topic,
      event: body.event,
      timestamp: body.timestamp ?? storedAt,
      data: body.data,
      seq,
    }),
  );
}
