// Request/reply on one wildcard inbox subscription per connection, as nats.js's own `request` does, but
// without what that costs on every successful request: nats.js settles each request by also rejecting
// its already-resolved promise with a fresh `RequestError("cancelled")`, capturing a stack trace each
// time (about 6 % of the edge's CPU under load in a profile). Failures are the same error classes
// nats.js raises (TimeoutError; RequestError caused by NoRespondersError or by the server's permission
// violation), so callers classify them as before, and a refused publish fails at once, not by timeout.
import {
  ClosedConnectionError,
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  NoRespondersError,
  PermissionViolationError,
  RequestError,
  type Subscription,
  TimeoutError,
} from '@nats-io/transport-node';

export interface MuxRequestOptions {
  timeoutMs: number;
  headers?: MsgHdrs;
}

interface Pending {
  subject: string;
  resolve(msg: Msg): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The status a server answers with, in place of a reply, when nobody subscribes to the subject. */
const NO_RESPONDERS = 503;

const muxes = new WeakMap<NatsConnection, RequestMux>();

/** Sends one request and resolves to its reply, through the connection's shared inbox subscription. */
export function muxRequest(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  options: MuxRequestOptions,
): Promise<Msg> {
  try {
    let mux = muxes.get(nc);
    if (!mux || mux.closed) {
      mux = new RequestMux(nc);
      muxes.set(nc, mux);
    }
    return mux.request(subject, data, options);
  } catch (error) {
    return Promise.reject(error); // a closed connection refuses the subscription
  }
}

class RequestMux {
  private readonly pending = new Map<string, Pending>();
  private readonly prefix: string;
  private readonly subscription: Subscription;
  private next = 0;
  closed = false;

  constructor(private readonly nc: NatsConnection) {
    // The connection's inboxPrefix (our services' users may only subscribe under their own); nats.js
    // keeps its options on the connection object but not in the NatsConnection interface.
    const options = (nc as unknown as { options?: { inboxPrefix?: string } }).options;
    this.prefix = `${createInbox(options?.inboxPrefix)}.`;
    this.subscription = nc.subscribe(`${this.prefix}*`, {
      callback: (error, msg) => (error ? this.close(error) : this.settle(msg)),
    });
    void this.subscription.closed.then(() => this.close(new ClosedConnectionError()));
    void this.watchRefusedPublishes();
  }

  request(subject: string, data: Uint8Array, options: MuxRequestOptions): Promise<Msg> {
    const token = (this.next++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new TimeoutError());
      }, options.timeoutMs);
      this.pending.set(token, { subject, resolve, reject, timer });
      try {
        this.nc.publish(subject, data, { reply: this.prefix + token, headers: options.headers });
      } catch (error) {
        this.drop(token);
        reject(error as Error);
      }
    });
  }

  private settle(msg: Msg) {
    const token = msg.subject.slice(this.prefix.length);
    const pending = this.drop(token);
    if (!pending) return; // answered after its timeout, or a second answer
    if (msg.data.length === 0 && msg.headers?.code === NO_RESPONDERS) {
      const subject = msg.headers.get('Nats-Subject') || 'unknown';
      pending.reject(new RequestError('no responders', { cause: new NoRespondersError(subject) }));
    } else pending.resolve(msg);
  }

  private drop(token: string): Pending | undefined {
    const pending = this.pending.get(token);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(token);
    return pending;
  }

  /**
   * The server refuses a publish with an asynchronous -ERR naming the subject: the requests sent to it
   * fail now rather than time out (as nats.js's requests do).
   */
  private async watchRefusedPublishes() {
    for await (const status of this.nc.status()) {
      if (this.closed) return;
      const error = status.type === 'error' ? status.error : undefined;
      if (!(error instanceof PermissionViolationError) || error.operation !== 'publish') continue;
      for (const [token, pending] of [...this.pending])
        if (pending.subject === error.subject)
          this.drop(token)?.reject(new RequestError(error.message, { cause: error }));
    }
  }

  /**
   * The subscription ended (connection closed or drained) or was refused: nothing more can be answered
   * on it. The next request starts a new one.
   */
  private close(error: Error) {
    if (this.closed) return;
    this.closed = true;
    if (!this.subscription.isClosed()) this.subscription.unsubscribe();
    const failure =
      error instanceof ClosedConnectionError ? error : new RequestError(error.message, { cause: error });
    for (const token of [...this.pending.keys()]) this.drop(token)?.reject(failure);
  }
}
