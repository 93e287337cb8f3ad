// Errors that mean "NATS or JetStream is not there right now" (a server restarting, a stream without a
// leader while a cluster elects one, a connection moving to another server), as opposed to a bug. A
// handler that meets one answers 503 SERVICE_UNAVAILABLE, which callers may retry, never a 500.
import { ApiError } from '@idp/contracts';
import { JetStreamApiError, JetStreamError } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';

/** JetStream's own "temporarily unavailable" answers (no leader, no quorum) come with status 503. */
const UNAVAILABLE_STATUS = 503;

export function isNatsAway(error: unknown): boolean {
  if (
    error instanceof TimeoutError ||
    error instanceof NoRespondersError ||
    error instanceof RequestError ||
    error instanceof ClosedConnectionError ||
    error instanceof DrainingConnectionError
  )
    return true;
  if (error instanceof JetStreamApiError) return error.status === UNAVAILABLE_STATUS;
  // Neither is exported by @nats-io/jetstream 3.4, only their base class: told apart by name. A
  // publish that no stream answers (no leader yet, or none at all) is JetStreamNotEnabled.
  if (error instanceof Error && error.name === 'JetStreamNotEnabled') return true;
  if (error instanceof JetStreamError && 'code' in error) return error.code === UNAVAILABLE_STATUS;
  return false;
}

export const natsAwayError = (cause: unknown) =>
  new ApiError(
    'SERVICE_UNAVAILABLE',
    'The message bus is not reachable right now; retry shortly',
    { reason: 'nats_unavailable' },
    { cause },
  );
