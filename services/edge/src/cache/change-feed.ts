// Hears the platform's change feed (`idp.chg.<tenant>.…`, one empty notice per event-store append) and
// drops the cached reads of the tenant each notice names. The notices travel on core NATS, so one sent
// while this edge is disconnected is lost: from the moment the connection drops (or the subscription
// fails) the cache serves nothing, and it serves again only once the subscription is live on the server
// again (a flush after the reconnect proves the server has it), with everything cached before dropped.
//
// Why this feed and not the public events (IDP_EVENTS): creating or editing an application, its desired
// state, a team or a membership publishes no public event, while every change of what the platform
// serves is an append; and the notices carry no data, so the edge needs no right to read the events.
import { ChangeSubjects } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import type { NatsConnection, Status, Subscription } from '@nats-io/transport-node';
import type { ResponseCache } from './response-cache.js';

export interface ChangeFeed {
  /** Resolves when the first subscription is live on the server (the cache serves from then on). */
  readonly ready: Promise<void>;
  stop(): void;
}

/** Status events after which notices may have been missed. */
const LOSSES: ReadonlySet<Status['type']> = new Set([
  'disconnect',
  'reconnecting',
  'staleConnection',
  'close',
]);

export function followChangeFeed(nc: NatsConnection, cache: ResponseCache, logger: Logger): ChangeFeed {
  let stopped = false;
  /** Counts losses, so a catch-up that raced with a newer loss does not declare the feed current. */
  let losses = 0;

  const lose = (reason: string) => {
    losses++;
    if (cache.serving)
      logger.warn({ reason }, 'change feed lost: the response cache serves nothing until it is back');
    cache.feedLost();
  };

  const catchUp = async () => {
    const attempt = losses;
    try {
      // The reconnect re-sent our SUB before this PING, so the PONG proves the server holds it.
      await nc.flush();
    } catch (error) {
      logger.warn({ err: error }, 'change feed: flush failed');
      return;
    }
    if (stopped || attempt !== losses || nc.isClosed() || subscription.isClosed()) return;
    cache.feedCaughtUp();
    logger.info('change feed current: the response cache serves again');
  };

  const subscription: Subscription = nc.subscribe(ChangeSubjects.all, {
    callback: (error, msg) => {
      if (error) {
        // A refused subscription (permissions): the feed will never be current.
        logger.error({ err: error }, 'change feed subscription failed');
        lose('subscription_error');
        return;
      }
      // idp.chg.<tenant>.<aggregate>.<id>: the tenant token is what cache keys are grouped by.
      const tenant = msg.subject.split('.')[2];
      if (tenant) cache.invalidateTenant(tenant, 'change_feed');
    },
  });
  // It closes on its own only on an error (or with the connection): then the feed is gone for good.
  void subscription.closed.then((error) => {
    if (stopped) return;
    if (error) logger.error({ err: error }, 'change feed subscription closed');
    lose('subscription_closed');
  });

  void (async () => {
    for await (const status of nc.status()) {
      if (stopped) return;
      if (LOSSES.has(status.type)) lose(status.type);
      else if (status.type === 'reconnect') void catchUp();
    }
  })();

  return {
    ready: catchUp(),
    stop() {
      stopped = true;
      cache.feedLost();
      subscription.unsubscribe();
    },
  };
}
