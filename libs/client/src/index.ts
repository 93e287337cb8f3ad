// @idp/client: the TypeScript SDK (Node 20 and browsers): typed REST methods and a resumable realtime client.

export { ApiError, type EventMessage } from '@idp/contracts';
export { type BackoffOptions, backoffDelay } from './backoff.js';
export { EventQueue } from './event-queue.js';
export { RealtimeClient, type RealtimeClientOptions } from './realtime-client.js';
export {
  type ApiClient,
  type CallInput,
  createApiClient,
  type Envelope,
  RestClient,
  type RestClientOptions,
  type RouteMethod,
  type TokenSource,
} from './rest-client.js';
export { ROUTE_NAMES, type RouteName, type RouteTree } from './route-names.js';
