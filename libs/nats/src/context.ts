// Carries the request id and W3C trace context across NATS hops as message headers.
import { Headers } from '@idp/contracts';
import { headers, type Msg, type MsgHdrs } from '@nats-io/transport-node';

export interface RequestContext {
  requestId: string;
  traceparent?: string;
}

export function contextHeaders(context: RequestContext | undefined): MsgHdrs | undefined {
  if (!context) return undefined;
  const h = headers();
  h.set(Headers.requestId, context.requestId);
  if (context.traceparent) h.set(Headers.traceparent, context.traceparent);
  return h;
}

export function contextFromMsg(msg: Pick<Msg, 'headers'>): RequestContext {
  const requestId = msg.headers?.get(Headers.requestId) || `req_${crypto.randomUUID().replaceAll('-', '')}`;
  const traceparent = msg.headers?.get(Headers.traceparent) || undefined;
  return traceparent ? { requestId, traceparent } : { requestId };
}
