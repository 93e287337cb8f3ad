// The `circuit_breakers:` section of config/gateway.yaml: when a backend group's breaker opens and how
// long it stays open before a probe. The defaults apply to every group (`platform`, `auth`); a group
// may override any of them. Parsed with the rest of the gateway config.
import Type, { type Static } from 'typebox';

const limits = {
  consecutive_failures: { minimum: 1, maximum: 10_000 },
  minimum_calls: { minimum: 1, maximum: 1_000_000 },
  window_ms: { minimum: 1_000, maximum: 600_000 },
  half_open_after_ms: { minimum: 100, maximum: 600_000 },
} as const;
const ratio = { exclusiveMinimum: 0, maximum: 1 } as const;

/** Without defaults, so a group's override names only what it changes. */
const Override = Type.Object(
  {
    consecutive_failures: Type.Optional(Type.Integer(limits.consecutive_failures)),
    failure_ratio: Type.Optional(Type.Number(ratio)),
    minimum_calls: Type.Optional(Type.Integer(limits.minimum_calls)),
    window_ms: Type.Optional(Type.Integer(limits.window_ms)),
    half_open_after_ms: Type.Optional(Type.Integer(limits.half_open_after_ms)),
  },
  { additionalProperties: false },
);

export const CircuitBreakersConfig = Type.Object(
  {
    /** Off: every call goes to the backend, however it fails. */
    enabled: Type.Boolean({ default: true }),
    /** Failures (timeouts, no responders, 5xx) in a row that open the breaker. */
    consecutive_failures: Type.Integer({ ...limits.consecutive_failures, default: 5 }),
    /** Or: this share of the calls in `window_ms` failed, once at least `minimum_calls` were made. */
    failure_ratio: Type.Number({ ...ratio, default: 0.5 }),
    minimum_calls: Type.Integer({ ...limits.minimum_calls, default: 20 }),
    window_ms: Type.Integer({ ...limits.window_ms, default: 10_000 }),
    /** How long an open breaker refuses (503 with Retry-After) before one probe call goes through. */
    half_open_after_ms: Type.Integer({ ...limits.half_open_after_ms, default: 5_000 }),
    /** Per backend group (`platform`, `auth`): overrides of the settings above. */
    groups: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }), Override, { default: {} }),
  },
  { additionalProperties: false, default: {} },
);
export type CircuitBreakersConfig = Static<typeof CircuitBreakersConfig>;

export interface CircuitBreakerSettings {
  consecutive_failures: number;
  failure_ratio: number;
  minimum_calls: number;
  window_ms: number;
  half_open_after_ms: number;
}

/** The settings of one group: the section's, with the group's overrides on top. */
export function breakerSettings(config: CircuitBreakersConfig, group: string): CircuitBreakerSettings {
  const { enabled: _enabled, groups, ...defaults } = config;
  return { ...defaults, ...groups[group] };
}
