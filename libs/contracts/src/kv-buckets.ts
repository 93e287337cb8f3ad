// Every JetStream KV bucket of the system. Each belongs to one service, and only that service's NATS
// user may read or write it (design.md §9); the setup step creates them.
export const KvBuckets = {
  /** API keys, service accounts and the auth service's own (encrypted) signing key. */
  authCredentials: 'IDP_AUTH_CREDENTIALS',
  /** Ids of revoked service-account tokens, kept as long as such a token can live. */
  authRevokedTokens: 'IDP_AUTH_REVOKED_TOKENS',
  /** Shared rate-limit window counters. */
  rateLimitCounters: 'IDP_RATELIMIT_COUNTERS',
} as const;
