// Reading and writing a W3C trace context in NATS message headers and in HTTP request headers.

import type { MsgHdrs } from '@nats-io/transport-node';
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { TraceCarrier } from './spans.js';

const isMsgHdrs = (carrier: TraceCarrier): carrier is MsgHdrs =>
  typeof (carrier as MsgHdrs).get === 'function' && typeof (carrier as MsgHdrs).keys === 'function';

export const carrierGetter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => (isMsgHdrs(carrier) ? carrier.keys() : Object.keys(carrier)),
  get: (carrier, key) => {
    if (isMsgHdrs(carrier)) return carrier.has(key) ? carrier.get(key) : undefined;
    return carrier[key];
  },
};

export const msgHdrsSetter: TextMapSetter<MsgHdrs> = {
  // set, not append: a header the caller copied from an upstream hop is replaced by our own span's.
  set: (carrier, key, value) => carrier.set(key, value),
};
