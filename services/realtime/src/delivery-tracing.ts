// Realtime's delivery span: a child of the span that published the event (its trace context is in the
// stored message's headers), so one trace runs from the API request to the WebSocket frames. Events
// published without a context (NATS-native publishers) start no trace; with tracing off this is one check.
import { Attr, tracingEnabled, withSpanSync } from '@idp/tracing';
import type { MsgHdrs } from '@nats-io/transport-node';

export interface StoredEventMsg {
  subject: string;
  seq: number;
  headers?: MsgHdrs;
}

export function deliverTraced(
  msg: StoredEventMsg,
  delivery: { path: 'live' | 'replay'; event: string; subscribers: number },
  deliver: () => void,
): void {
  if (!tracingEnabled() || !msg.headers?.has('traceparent')) {
    deliver();
    return;
  }
  const attributes = {
    [Attr.messagingSystem]: 'nats',
    [Attr.messagingOperation]: 'process',
    [Attr.messagingDestination]: msg.subject,
    [Attr.streamSeq]: msg.seq,
    [Attr.eventType]: delivery.event,
    [Attr.subscribers]: delivery.subscribers,
    [Attr.deliveryPath]: delivery.path,
  };
  withSpanSync('realtime deliver', { kind: 'consumer', parent: msg.headers, attributes }, deliver);
}
