// The wire contract between the edge and the ratelimit service: token leases over request/reply,
// and the control subjects that carry the validated `rate_limits` config to every edge.
import Type, { type Static } from 'typebox';

export const RateLimitSubjects = {
  /** Request/reply: lease tokens for one or more counters (queue group `ratelimit`). */
  lease: 'idp.rpc.ratelimit.lease',
  /** Request/reply: the config the service currently enforces (edges ask at start). */
  config: 'idp.rpc.ratelimit.config',
  /** Broadcast by the service after every good (re)load; edges swap their policies. */
  configChanged: 'idp.ctl.ratelimit.config',
  /** Anyone may publish here to make every ratelimit instance re-read its config file. */
  reload: 'idp.ctl.ratelimit.reload',
} as const;

/** Counter keys are JetStream KV keys: `<policy>.<window>.<identity>`, KV-safe characters only. */
export const RateLimitKey = Type.String({
  pattern: '^[A-Za-z0-9_=-]+(\\.[A-Za-z0-9_=-]+)*$',
  maxLength: 256,
});

export const LeaseBucketRequest = Type.Object(
  {
    key: RateLimitKey,
    limit: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    /** The counters' bucket forgets keys after two hours, so no window may be longer than one. */
    window_ms: Type.Integer({ minimum: 100, maximum: 3600 * 1000 }),
    /** How many tokens the edge would like; the service may grant fewer (never more). */
    want: Type.Integer({ minimum: 1, maximum: 10_000 }),
    /**
     * Requests waiting at the edge for this counter right now. The service grants at least this many
     * while that many are left (they are spent at once, so none are stranded): a cold burst of N
     * requests on a limit of N admits N in one or two round trips.
     */
    need: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type LeaseBucketRequest = Static<typeof LeaseBucketRequest>;

export const LeaseRequest = Type.Object(
  { buckets: Type.Array(LeaseBucketRequest, { minItems: 1, maxItems: 32 }) },
  { additionalProperties: false },
);
export type LeaseRequest = Static<typeof LeaseRequest>;

/**
 * Why one bucket of a batch got nothing: that bucket's problem only, never the batch's. The edge
 * decides that counter locally for a moment (as during an outage); every other bucket is served.
 */
export const LeaseBucketError = Type.Union([
  /** The bucket does not match LeaseBucketRequest (e.g. a key too long); asking again will not help. */
  Type.Literal('INVALID_BUCKET'),
  /** Too many instances wrote this counter at once; try again shortly. */
  Type.Literal('CONTENDED'),
  /** The counter store failed for this key. */
  Type.Literal('STORE_FAILED'),
]);
export type LeaseBucketError = Static<typeof LeaseBucketError>;

export const LeaseGrant = Type.Object({
  /** The bucket's key as asked (grants come back in the order of the request's buckets). */
  key: Type.String(),
  /** Tokens this edge may spend on its own until `reset_in_ms` has passed. */
  granted: Type.Integer({ minimum: 0 }),
  /** Identifies the counter's window (its start on the service's clock): a new id means a reset. */
  window: Type.Integer(),
  /** Tokens left in the shared counter after this grant (fleet-wide, not yet leased to anyone). */
  remaining: Type.Integer({ minimum: 0 }),
  /** Milliseconds from the service's `now` until the counter's window ends. */
  reset_in_ms: Type.Integer({ minimum: 0 }),
  /** Set when this bucket could not be served (then `granted` is 0 and the other fields mean nothing). */
  error: Type.Optional(LeaseBucketError),
});
export type LeaseGrant = Static<typeof LeaseGrant>;

export const LeaseReply = Type.Object({ grants: Type.Array(LeaseGrant) });
export type LeaseReply = Static<typeof LeaseReply>;

/** What `configChanged` and `config` carry: the raw `rate_limits` section, already validated once. */
export const RateLimitConfigNotice = Type.Object({
  /** Content hash: edges ignore a notice whose version they already run. */
  version: Type.String({ minLength: 1 }),
  loaded_at: Type.String(),
  rate_limits: Type.Unknown(),
});
export type RateLimitConfigNotice = Static<typeof RateLimitConfigNotice>;
