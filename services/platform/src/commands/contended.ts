// The catch-up-and-retry loop for appends to aggregates that many requests write at once: a tenant's
// quota reservations, a contested name. handler-kit's withCatchUp gives up after a few lost races,
// which suits edits of one object, but N creates queueing on one quota need up to N rounds (each
// round one of them wins). A short random pause spreads the racers so rounds are not all collisions.
import type { Deps } from '../deps.js';
import { type CatchUpPolicy, withCatchUp } from '../handler-kit.js';

const CONTENDED: CatchUpPolicy = {
  attempts: 40,
  maxPauseMs: 20,
  giveUp: 'Too many concurrent creates in this tenant; retry the request',
};

export const withContention = <T>(deps: Deps, command: () => Promise<T>): Promise<T> =>
  withCatchUp(deps, command, CONTENDED);
