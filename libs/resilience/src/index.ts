// @idp/resilience: what keeps a service answering when a backend it calls over NATS does not.
export {
  BreakerOpenError,
  type BreakerSet,
  type BreakerSetOptions,
  type BreakerStateName,
  BreakerStateValue,
  createBreakerSet,
  type GroupBreaker,
  isBackendFailure,
} from './circuit-breakers.js';
