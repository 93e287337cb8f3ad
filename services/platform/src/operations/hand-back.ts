// A graceful stop hands running operations back without costing them an attempt: the stopping runner
// queues a fresh work item that names the attempt it was in, then acks its own. The instance that gets
// it resumes that same attempt (its run here has already ended), where a plain nak would make the next
// runner start a new one, as after a crash.
import { OPERATIONS_WORK_SUBJECT } from '@idp/contracts';
import type { JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type { Deps } from '../deps.js';
import type { WorkLease } from './work-lease.js';

const HANDED_BACK_ATTEMPT = 'Idp-Handed-Back-Attempt';
const PUBLISH_TIMEOUT_MS = 3000;

/** Queues the item again for `attempt` to be resumed elsewhere; falls back to a nak (a new attempt). */
export async function handBack(deps: Deps, msg: JsMsg, lease: WorkLease, attempt: number): Promise<void> {
  try {
    const h = headers();
    // The trace context rides along, as on the item the operation was created with.
    for (const [key, values] of msg.headers ?? []) for (const value of values) h.append(key, value);
    h.set(HANDED_BACK_ATTEMPT, String(attempt));
    const item = msg.info.streamSequence;
    await deps.js.publish(OPERATIONS_WORK_SUBJECT, msg.data, {
      headers: h,
      msgID: `handback-${item}-${attempt}`,
      timeout: PUBLISH_TIMEOUT_MS,
    });
    lease.ack();
  } catch (error) {
    deps.logger.warn(
      { err: error },
      'could not queue the operation again; it is nak-ed and resumes as a new attempt',
    );
    lease.nak(0);
  }
}

/** The attempt a handed-back item asks to resume, if it is one. */
export function handedBackAttempt(msg: JsMsg): number | undefined {
  const value = msg.headers?.get(HANDED_BACK_ATTEMPT);
  const attempt = value ? Number(value) : Number.NaN;
  return Number.isInteger(attempt) && attempt > 0 ? attempt : undefined;
}
