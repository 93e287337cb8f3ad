// The edge side of rate limiting (design.md §6, §8): leased tokens, headers, refusals.
export { authenticateThenLimit, createRateLimitGate, type RateLimitGate } from './gate.js';
export type { Decision, PolicyState } from './limiter.js';
export { type BucketSpec, compilePolicies, type PolicySet } from './policies.js';
