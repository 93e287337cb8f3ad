// Watches the runner's NATS connection, so a run can tell "NATS was away" (wait, it costs nothing) from
// "the run itself failed" (counts), and leases can renew themselves the moment the server is back.
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * How long after a reconnect failures still count as the outage's: a restarted server takes a moment to
 * load its streams (JetStream requests time out or find no responder until it has).
 */
const SETTLE_MS = 5000;

export class NatsLink {
  private connected = true;
  private lastDisruption = 0;
  private readonly reconnectListeners = new Set<() => void>();
  private statusIterator?: AsyncIterable<{ type: string }> & { stop?: () => void };

  constructor(private readonly nc: NatsConnection) {}

  start(): void {
    const status = this.nc.status() as AsyncIterable<{ type: string }> & { stop?: () => void };
    this.statusIterator = status;
    void (async () => {
      for await (const s of status) {
        if (s.type === 'disconnect') this.disrupted(false);
        else if (s.type === 'reconnect') {
          this.disrupted(true);
          for (const listener of this.reconnectListeners) listener();
        }
      }
    })();
  }

  stop(): void {
    this.statusIterator?.stop?.();
  }

  /** Called each time the connection is back after a disconnect. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * Whether the connection was away at any time since `since` (or is away now, or came back so shortly
   * before that the server may still have been loading): a failure of work begun at `since` is then the
   * outage's, not the work's. A closed connection is no outage: the instance is going away.
   */
  disruptedSince(since: number): boolean {
    if (this.nc.isClosed()) return false;
    return !this.connected || this.lastDisruption + SETTLE_MS >= since;
  }

  /** Milliseconds since the connection was last lost or regained (Infinity if never). */
  sinceLastDisruption(): number {
    return this.lastDisruption === 0 ? Number.POSITIVE_INFINITY : Date.now() - this.lastDisruption;
  }

  private disrupted(connected: boolean): void {
    this.connected = connected;
    this.lastDisruption = Date.now();
  }
}
