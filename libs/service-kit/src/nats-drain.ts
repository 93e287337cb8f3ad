// Stopping a NATS responder without losing a request (design.md §10). `nc.drain()` alone is not
// enough: it unsubscribes, waits until the messages already routed here have arrived, and then stops
// publishing at once, while handlers that are still awaiting something (a KV read, the event store)
// have not replied yet; their callers would time out. So: leave the queue groups first (NATS routes
// the next requests to the other instances), wait for the handlers still answering, then drain.
import { installNatsInstrumentation } from '@idp/nats';
import type { NatsConnection } from '@nats-io/transport-node';

let inFlight = 0;
let idleWaiters: (() => void)[] = [];
let tracking = false;

/**
 * Counts the requests `serveJson` is answering in this process (through the instrumentation seam).
 * Call before the service subscribes; calling it again is a no-op.
 */
export function trackRequestsInFlight(): void {
  if (tracking) return;
  tracking = true;
  installNatsInstrumentation({
    aroundHandler: async (_request, run) => {
      inFlight++;
      try {
        return await run();
      } finally {
        inFlight--;
        if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
      }
    },
  });
}

/** Requests received and not answered yet. */
export function requestsInFlight(): number {
  return inFlight;
}

/** The subscriptions of a connection, read from nats.js's protocol handler (no public API lists them). */
interface SubscriptionView {
  queue?: string;
  isClosed(): boolean;
  drain(): Promise<void>;
}
type WithProtocol = { protocol?: { subscriptions?: { all(): SubscriptionView[] } } };

/**
 * Leaves every queue group this connection serves (UNSUB, then a flush so every request already
 * routed here is delivered), then waits, at most `timeoutMs`, for the handlers still answering.
 * Other subscriptions (reply inboxes, notices) stay: in-flight handlers may still need them.
 */
export async function stopTakingRequests(nc: NatsConnection, timeoutMs: number): Promise<void> {
  if (nc.isClosed()) return;
  const subscriptions = (nc as WithProtocol).protocol?.subscriptions?.all() ?? [];
  const responders = subscriptions.filter((s) => s.queue && !s.isClosed());
  await Promise.allSettled(responders.map((s) => s.drain()));
  await idle(timeoutMs);
}

/** Then the rest: drain what is left and close. Safe on a closed connection. */
export async function drainNats(nc: NatsConnection, timeoutMs: number): Promise<void> {
  await stopTakingRequests(nc, timeoutMs);
  if (!nc.isClosed()) await nc.drain();
}

function idle(timeoutMs: number): Promise<void> {
  if (inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      idleWaiters = idleWaiters.filter((w) => w !== done);
      resolve();
    }
    idleWaiters.push(done);
  });
}
