// What a responder answers instead of a reply NATS cannot carry (bigger than the server's
// max_payload): a small PAYLOAD_TOO_LARGE error that says how big it was and, for a page of a list,
// how many items per page would fit.
import { ApiError } from '@idp/contracts';
import { encodeJson } from './codec.js';

/** Room kept free in a reply for its headers and the envelope around a page's items. */
export const REPLY_HEADROOM_BYTES = 4 * 1024;

export function oversizedReply(reply: unknown, sizeBytes: number, limitBytes: number): ApiError {
  const maxPerPage = itemsThatFit(reply, limitBytes);
  const size = `${kib(sizeBytes)} KiB, the limit is ${kib(limitBytes)} KiB`;
  if (maxPerPage !== undefined && maxPerPage > 0) {
    return new ApiError(
      'PAYLOAD_TOO_LARGE',
      `This page is too large to send (${size}); ask for per_page=${maxPerPage} or fewer`,
      { size_bytes: sizeBytes, limit_bytes: limitBytes, max_per_page: maxPerPage },
    );
  }
  return new ApiError('PAYLOAD_TOO_LARGE', `The reply is too large to send (${size})`, {
    size_bytes: sizeBytes,
    limit_bytes: limitBytes,
  });
}

/** For a paged success reply (`{ok, data: [...], pagination}`): how many of its items fit in the limit. */
function itemsThatFit(reply: unknown, limitBytes: number): number | undefined {
  if (!isPage(reply)) return undefined;
  let room = limitBytes - REPLY_HEADROOM_BYTES - encodeJson({ ...reply, data: [] }).length;
  let count = 0;
  for (const item of reply.data) {
    room -= encodeJson(item).length + 1;
    if (room < 0) break;
    count++;
  }
  return count;
}

function isPage(reply: unknown): reply is { ok: true; data: unknown[]; pagination: unknown } {
  if (typeof reply !== 'object' || reply === null) return false;
  const r = reply as Record<string, unknown>;
  return r.ok === true && Array.isArray(r.data) && r.pagination !== undefined;
}

const kib = (bytes: number) => Math.ceil(bytes / 1024);
