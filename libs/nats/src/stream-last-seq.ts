// A stream's last sequence, asked of JetStream's API directly (STREAM.INFO) through the connection's
// request mux. The platform asks this before reads (its read barrier), many times a second under load:
// `jsm.streams.info` does the same request through nats.js's `request`, which builds an error with a
// stack trace on every success (request-mux.ts), and then wraps the answer in objects nobody reads.

import { JetStreamApiError } from '@nats-io/jetstream';
import { Empty, type NatsConnection } from '@nats-io/transport-node';
import { decodeJson } from './codec.js';
import { muxRequest } from './request-mux.js';

/** JetStream's API error as its answers carry it. */
interface ApiErrorBody {
  code: number;
  err_code: number;
  description: string;
}

export interface StreamLastSeqOptions {
  timeoutMs: number;
}

/** The last sequence stored in `stream`; JetStream's refusals throw a JetStreamApiError (status 503 included). */
export async function streamLastSeq(
  nc: NatsConnection,
  stream: string,
  options: StreamLastSeqOptions,
): Promise<number> {
  // The default API prefix, as the platform's JetStream manager uses (no domain, no imported API).
  const subject = `$JS.API.STREAM.INFO.${stream}`;
  const reply = await muxRequest(nc, subject, Empty, { timeoutMs: options.timeoutMs });
  const info = decodeJson(reply.data) as { state?: { last_seq?: unknown }; error?: ApiErrorBody };
  if (info.error) throw new JetStreamApiError(info.error);
  const lastSeq = info.state?.last_seq;
  if (typeof lastSeq !== 'number')
    throw new Error(`STREAM.INFO of ${stream} answered without state.last_seq`);
  return lastSeq;
}
