// Builds the response envelopes of spec §3.3 and the ids that go in them.
import { API_VERSION, type ErrorBody, type Meta, type Pagination } from '@idp/contracts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Keeps a caller's well-formed X-Request-Id (so traces join up), otherwise mints one. */
export function requestIdFrom(header: unknown): string {
  if (typeof header === 'string' && REQUEST_ID.test(header)) return header;
  return `req_${crypto.randomUUID().replaceAll('-', '')}`;
}

export const validTraceparent = (header: unknown): string | undefined =>
  typeof header === 'string' && TRACEPARENT.test(header) ? header : undefined;

export const meta = (requestId: string): Meta => ({
  request_id: requestId,
  timestamp: new Date().toISOString(),
  api_version: API_VERSION,
});

export function successEnvelope(requestId: string, data: unknown, pagination?: Pagination) {
  return pagination
    ? { success: true as const, data, meta: meta(requestId), pagination }
    : { success: true as const, data, meta: meta(requestId) };
}

export function errorEnvelope(requestId: string, error: ErrorBody, extraMeta: Record<string, unknown> = {}) {
  return { success: false as const, error, meta: { ...meta(requestId), ...extraMeta } };
}
