// One WebSocket session, independent of the socket library: authentication (query token or first
// `auth` message, re-auth before expiry, the per-principal connection cap), the per-connection rate
// limit, heartbeat and idle checks, the slow-consumer bound, and dispatch of validated messages.
// Inbound messages are handled one at a time, in order, through a bounded queue.
import { ApiError, type ClientMessage, CloseCodes, type ErrorBody, type Principal } from '@idp/contracts';
import { childFor, type Logger } from '@idp/observability';
import type { ConnectionContext, Transport } from './context.js';
import { parseClientFrame } from './frame-parser.js';
import { SerialQueue } from './serial-queue.js';
import { Subscriptions } from './subscriptions.js';
import { TokenBucket } from './token-bucket.js';
import type { FrameSink } from './topic-subscription.js';

type State = 'authenticating' | 'open' | 'closed';

export class Connection implements FrameSink {
  private state: State = 'authenticating';
  principal: Principal | undefined;
  private readonly bucket: TokenBucket;
  private rateRefusals = 0;
  private lastActivity: number;
  private readonly authDeadline: number;
  private lastPing: number;
  private awaitingPong = false;
  private readonly inbox: SerialQueue;
  /** Gives the principal's connection slot back (see ConnectionContext.claimPrincipal). */
  private releasePrincipal: (() => void) | undefined;
  readonly subscriptions: Subscriptions;
  /** The close code the server chose, if it closed the connection. */
  closedWith: number | undefined;

  constructor(
    readonly id: string,
    private readonly transport: Transport,
    private readonly ctx: ConnectionContext,
    queryToken?: string,
    now = Date.now(),
  ) {
    const { config } = ctx;
    this.bucket = new TokenBucket(config.messages_per_second, config.message_burst, now);
    this.lastActivity = now;
    this.lastPing = now;
    this.authDeadline = now + config.auth_timeout_ms;
    this.subscriptions = new Subscriptions(this, ctx);
    this.inbox = new SerialQueue(config.max_queued_messages, (error) => {
      this.logger.error({ err: error }, 'message handling failed');
      this.sendError({ code: 'INTERNAL_ERROR', message: 'An internal error occurred' });
    });
    if (queryToken) this.inbox.push(() => this.authenticate(queryToken, 'query'));
  }

  /**
   * Made on demand, not kept: logging is rare per connection, and a stored child logger is a large
   * share of an idle connection's memory (design.md §8: ≤ 12 KB each).
   */
  get logger(): Logger {
    return childFor(this.ctx.logger, { connection_id: this.id, tenant_id: this.principal?.tenant_id });
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  onFrame(data: string | Uint8Array, isBinary: boolean, now = Date.now()): void {
    if (this.state === 'closed') return;
    this.lastActivity = now;
    this.awaitingPong = false;
    const { config } = this.ctx;
    if (!this.bucket.take(now)) {
      this.refuse(`Over ${config.messages_per_second} messages per second; message dropped`);
      return;
    }
    const parsed = parseClientFrame(data, isBinary, config.max_frame_bytes);
    if (!parsed.ok) {
      this.rateRefusals = 0;
      this.sendError(parsed.error);
      return;
    }
    const message = parsed.message;
    if (!this.inbox.push(() => this.handle(message))) {
      const limit = config.max_queued_messages;
      this.refuse(`More than ${limit} messages are waiting to be handled; message dropped`, { limit });
      return;
    }
    this.rateRefusals = 0;
  }

  /** A dropped message: over the rate, or over the inbound queue. Persisting in it closes 4429. */
  private refuse(message: string, details?: Record<string, unknown>): void {
    if (++this.rateRefusals >= this.ctx.config.rate_limit_close_after) {
      this.fail('RATE_LIMIT_EXCEEDED', 'Message rate limit exceeded repeatedly', CloseCodes.RATE_LIMITED);
      return;
    }
    this.sendError({ code: 'RATE_LIMIT_EXCEEDED', message, ...(details && { details }) });
  }

  /** Resolves when every message received so far is handled (tests and shutdown use it). */
  settled(): Promise<void> {
    return this.inbox.settled();
  }

  private async handle(message: ClientMessage): Promise<void> {
    if (this.state === 'closed') return;
    if (message.type === 'auth') return this.authenticate(message.token, 'message');
    if (this.state !== 'open') {
      return this.fail(
        'UNAUTHENTICATED',
        'Authenticate first: send {type:"auth", token}',
        CloseCodes.AUTH_FAILED,
      );
    }
    switch (message.type) {
      case 'ping':
        return this.sendJson({ type: 'pong' });
      case 'subscribe':
        return this.subscriptions.subscribe(message);
      case 'unsubscribe':
        return this.subscriptions.unsubscribe(message.topics);
    }
  }

  private async authenticate(token: string, via: 'query' | 'message'): Promise<void> {
    let principal: Principal;
    try {
      principal = await this.ctx.authenticate(token);
    } catch (error) {
      return this.authFailed(error);
    }
    if (this.state === 'closed') return;
    if (this.principal) return this.reauthenticate(principal);
    this.releasePrincipal = this.ctx.claimPrincipal(principal);
    if (!this.releasePrincipal) {
      const limit = this.ctx.config.max_connections_per_principal;
      this.fail(
        'QUOTA_EXCEEDED',
        `Too many connections for this user (at most ${limit}); close another one first`,
        CloseCodes.TOO_MANY_CONNECTIONS_PRINCIPAL,
      );
      return;
    }
    this.principal = principal;
    this.state = 'open';
    this.logger.info({ sub: principal.sub, via, expires_at: principal.expires_at }, 'authenticated');
  }

  /**
   * A fresh token for the same caller replaces the session's: its expiry, and its rights (every held
   * topic is checked again). Another user's or another tenant's token ends the session (4403).
   */
  private async reauthenticate(principal: Principal): Promise<void> {
    const current = this.principal!;
    if (principal.sub !== current.sub || principal.tenant_id !== current.tenant_id) {
      this.fail(
        'FORBIDDEN',
        'Re-authentication must keep the same user and tenant',
        CloseCodes.PRINCIPAL_CHANGED,
      );
      return;
    }
    this.principal = principal;
    this.logger.info({ expires_at: principal.expires_at }, 're-authenticated');
    await this.subscriptions.reauthenticated(current, principal);
  }

  private authFailed(error: unknown): void {
    const refused = error instanceof ApiError && ['UNAUTHENTICATED', 'VALIDATION_ERROR'].includes(error.code);
    if (!refused) {
      this.logger.warn({ err: error }, 'could not verify a token');
      const body = {
        code: 'SERVICE_UNAVAILABLE',
        message: 'Authentication is unavailable; reconnect later',
      } as const;
      if (this.state === 'open') {
        this.sendError(body);
        return;
      }
      this.fail(body.code, body.message, CloseCodes.UNAVAILABLE);
      return;
    }
    const message = `Token refused: ${(error as ApiError).message}`;
    // A failed re-auth leaves the session as it was: its current token is still valid until it expires.
    if (this.state === 'open') {
      this.sendError({ code: 'UNAUTHENTICATED', message });
      return;
    }
    this.fail('UNAUTHENTICATED', message, CloseCodes.AUTH_FAILED);
  }

  /** Timers of all connections are driven by one sweep per instance (no timer per connection). */
  tick(now = Date.now()): void {
    if (this.state === 'closed') return;
    const { config } = this.ctx;
    if (this.state === 'authenticating' && now >= this.authDeadline) {
      this.fail(
        'UNAUTHENTICATED',
        `No auth message within ${config.auth_timeout_ms} ms`,
        CloseCodes.AUTH_TIMEOUT,
      );
      return;
    }
    const expiresAt = this.principal?.expires_at;
    if (expiresAt !== undefined && now >= expiresAt * 1000) {
      this.fail('UNAUTHENTICATED', 'token expired', CloseCodes.TOKEN_EXPIRED);
      return;
    }
    if (this.subscriptions.size === 0 && now - this.lastActivity >= config.idle_timeout_ms) {
      this.close(CloseCodes.IDLE_TIMEOUT, 'idle timeout');
      return;
    }
    if (now - this.lastPing >= config.heartbeat_interval_ms) {
      if (this.awaitingPong) {
        this.close(CloseCodes.HEARTBEAT_TIMEOUT, 'no pong');
        return;
      }
      this.awaitingPong = true;
      this.lastPing = now;
      this.transport.ping();
    }
  }

  onPong(): void {
    this.awaitingPong = false;
  }

  send(frame: Buffer | string): void {
    if (this.state === 'closed') return;
    this.transport.send(frame);
    if (this.transport.bufferedBytes() > this.ctx.config.send_buffer_bytes) this.overflow('send buffer full');
  }

  bufferedBytes(): number {
    return this.transport.bufferedBytes();
  }

  overflow(reason: string): void {
    this.logger.warn({ reason, buffered: this.transport.bufferedBytes() }, 'closing a slow consumer');
    this.close(CloseCodes.SLOW_CONSUMER, 'slow consumer');
  }

  sendJson(message: object): void {
    this.send(JSON.stringify(message));
  }

  sendError(error: ErrorBody): void {
    this.sendJson({ type: 'error', error });
  }

  /** Closes the connection when the credential it authenticated with is revoked (issue #3). */
  revokeIfUsing(notice: { credential_id?: string; token_id?: string }): boolean {
    const p = this.principal;
    const hit =
      p !== undefined &&
      ((notice.credential_id !== undefined && p.credential_id === notice.credential_id) ||
        (notice.token_id !== undefined && p.token_id === notice.token_id));
    if (hit) this.fail('UNAUTHENTICATED', 'credential revoked', CloseCodes.CREDENTIAL_REVOKED);
    return hit;
  }

  /** Tells the client why, then closes with the code. */
  fail(code: ErrorBody['code'], message: string, closeCode: number): void {
    this.sendError({ code, message });
    this.close(closeCode, message);
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closedWith = code;
    this.release();
    // Close reasons are limited to 123 bytes by the WebSocket protocol.
    this.transport.close(code, reason.slice(0, 120));
    this.logger.info({ code, reason }, 'connection closed by server');
  }

  /** The socket went away (client close, network): drop subscriptions. */
  closed(): void {
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.release();
    }
    // A server-side close happened earlier; the principal's slot is free only once the socket is gone.
    this.releasePrincipal?.();
    this.releasePrincipal = undefined;
  }

  private release(): void {
    this.inbox.clear();
    this.subscriptions.clear();
  }
}
