// The one seam through which metrics and tracing watch request/reply traffic: every request sent with
// `requestJson` and every request answered by `serveJson` runs inside the installed instrumentations
// (outermost first). Nothing is installed by default, so an uninstrumented service pays one array check.
import type { Msg, MsgHdrs } from '@nats-io/transport-node';

/** A request about to be sent; `headers` may still be changed (e.g. to carry a `traceparent`). */
export interface OutgoingRequest {
  subject: string;
  headers: MsgHdrs;
}

/** A request received by a `serveJson` responder; `pattern` is the subject it subscribed to. */
export interface IncomingRequest {
  subject: string;
  pattern: string;
  queue: string;
  msg: Msg;
}

export interface NatsInstrumentation {
  /** Wraps sending a request and waiting for its reply; must call `send` once and return its result. */
  aroundRequest?<T>(request: OutgoingRequest, send: () => Promise<T>): Promise<T>;
  /**
   * Wraps handling a request: `run` resolves to the reply (an `{ok:false}` reply for a handled error)
   * and rejects only if the reply could not be sent. Must call `run` once and return its result.
   */
  aroundHandler?<T>(request: IncomingRequest, run: () => Promise<T>): Promise<T>;
}

const installed: NatsInstrumentation[] = [];

/** Installs an instrumentation for this process; returns the function that removes it again. */
export function installNatsInstrumentation(instrumentation: NatsInstrumentation): () => void {
  installed.push(instrumentation);
  return () => {
    const index = installed.indexOf(instrumentation);
    if (index >= 0) installed.splice(index, 1);
  };
}

export function instrumentedRequest<T>(request: OutgoingRequest, send: () => Promise<T>): Promise<T> {
  return nested(request, send, (instrumentation) => instrumentation.aroundRequest);
}

export function instrumentedHandler<T>(request: IncomingRequest, run: () => Promise<T>): Promise<T> {
  return nested(request, run, (instrumentation) => instrumentation.aroundHandler);
}

type Around<R> = <T>(request: R, next: () => Promise<T>) => Promise<T>;

/** `innermost` wrapped by each installed hook, the first installed outermost. */
function nested<R, T>(
  request: R,
  innermost: () => Promise<T>,
  hookOf: (instrumentation: NatsInstrumentation) => Around<R> | undefined,
): Promise<T> {
  // Runs on every request and reply: no copy of the list, no bound functions.
  let call = innermost;
  for (let i = installed.length - 1; i >= 0; i--) {
    const instrumentation = installed[i]!;
    const around = hookOf(instrumentation);
    if (!around) continue;
    const inner = call;
    call = () => around.call(instrumentation, request, inner) as Promise<T>;
  }
  return call();
}
