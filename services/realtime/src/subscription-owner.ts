// What the topic modules (subscriptions.ts, resume.ts) need of a connection: a type of its own, so
// neither imports the other for it.
import type { Principal } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import type { FrameSink } from './topic-subscription.js';

/** The parts of a Connection this module uses. */
export interface SubscriptionOwner extends FrameSink {
  readonly principal: Principal | undefined;
  readonly logger: Logger;
  readonly isOpen: boolean;
  sendJson(message: object): void;
  sendError(error: { code: string; message: string; details?: Record<string, unknown> }): void;
  bufferedBytes(): number;
  close(code: number, reason: string): void;
}
