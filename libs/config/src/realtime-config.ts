// The `realtime:` section of config/gateway.yaml: WebSocket limits, topic rules and the retention of
// the events stream (which bounds how far back a client can resume). Parsed once at start.
import { isIP } from 'node:net';
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { ConfigError } from './env.js';
import type { GatewayConfig } from './gateway-config.js';

const ms = (min: number, max: number, value: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: value, description });

/** Allows topics of a kind the built-in rules don't know, to callers holding a permission. */
export const RealtimeTopicRule = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }),
    kind: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' }),
    /** `*` for any channel. */
    channel: Type.String({ pattern: '^(\\*|[A-Za-z0-9_-]{1,128})$', default: '*' }),
    /** A permission of the role catalogue, e.g. `announcement:read`. */
    permission: Type.String({ pattern: '^(\\*|[a-z][a-z_-]*)(:(\\*|[a-z][a-z_-]*)){1,2}$' }),
  },
  { additionalProperties: false },
);
export type RealtimeTopicRule = Static<typeof RealtimeTopicRule>;

export const EventsRetention = Type.Object(
  {
    max_age_ms: ms(1_000, 366 * 86_400_000, 86_400_000, 'events older than this are dropped'),
    max_bytes: Type.Integer({ minimum: -1, default: 1_073_741_824 }),
    /** -1: no count limit (tests use a tiny one to exercise "older than retention"). */
    max_msgs: Type.Integer({ minimum: -1, default: -1 }),
  },
  { additionalProperties: false, default: {} },
);
export type EventsRetention = Static<typeof EventsRetention>;

export const RealtimeConfig = Type.Object(
  {
    max_topics_per_connection: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    max_frame_bytes: Type.Integer({ minimum: 256, maximum: 1_048_576, default: 16_384 }),
    send_buffer_bytes: Type.Integer({ minimum: 16_384, maximum: 268_435_456, default: 1_048_576 }),
    idle_timeout_ms: ms(1_000, 86_400_000, 300_000, 'close a connection without subscriptions or messages'),
    heartbeat_interval_ms: ms(100, 300_000, 25_000, 'server ping interval; two missed pongs close'),
    messages_per_second: Type.Number({ minimum: 0.1, maximum: 10_000, default: 20 }),
    message_burst: Type.Integer({ minimum: 1, maximum: 100_000, default: 40 }),
    /** Refused messages in a row (over the rate) after which the connection is closed. */
    rate_limit_close_after: Type.Integer({ minimum: 1, maximum: 10_000, default: 20 }),
    auth_timeout_ms: ms(100, 60_000, 5_000, 'time allowed for the first auth message'),
    authz_cache_ttl_ms: ms(0, 600_000, 30_000, 'how long a positive topic decision is reused'),
    /** Frames received but not yet handled (handling is one at a time); past it a frame is refused. */
    max_queued_messages: Type.Integer({ minimum: 1, maximum: 10_000, default: 64 }),
    /** Browser origins allowed to open /ws/v1 besides the console's; `*` allows any. */
    allowed_origins: Type.Array(Type.String({ pattern: '^(\\*|https?://[^/?#\\s]+)$' }), {
      default: [],
      maxItems: 1_000,
    }),
    /** Allow the console's origin: the edge's origin on the same host (its port or this one). */
    allow_console_origin: Type.Boolean({ default: true }),
    /** Peers (IPs or CIDRs) whose `X-Forwarded-For` names the client; others are the client. */
    trusted_proxies: Type.Array(Type.String({ minLength: 2, maxLength: 64 }), {
      default: [],
      maxItems: 1_000,
    }),
    max_connections: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
    max_connections_per_ip: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1_000 }),
    max_connections_per_principal: Type.Integer({ minimum: 1, maximum: 100_000, default: 100 }),
    /** Topic checks (platform requests) per connection: sustained rate and burst. */
    topic_checks_per_second: Type.Number({ minimum: 0.1, maximum: 10_000, default: 20 }),
    topic_check_burst: Type.Integer({ minimum: 1, maximum: 100_000, default: 200 }),
    /** Topic checks of one connection in flight at once. */
    max_concurrent_topic_checks: Type.Integer({ minimum: 1, maximum: 1_000, default: 8 }),
    refusal_cache_ttl_ms: ms(0, 600_000, 5_000, 'how long a refused topic is answered from memory'),
    refusal_cache_max_entries: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 10_000 }),
    replay_max_events: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
    replay_timeout_ms: ms(100, 600_000, 15_000, 'bound on one resume (all its topics)'),
    max_concurrent_replays: Type.Integer({ minimum: 1, maximum: 10_000, default: 32 }),
    replay_slot_timeout_ms: ms(50, 600_000, 10_000, 'longest wait for a replay slot'),
    /**
     * The instance's memory of the events stream's tail: a resume whose `since` it covers is served
     * from there, with no JetStream consumer; 0 turns it off (every resume reads the stream).
     */
    replay_memory_max_bytes: Type.Integer({ minimum: 0, maximum: 4 * 1024 ** 3, default: 8 * 1024 ** 2 }),
    topic_rules: Type.Array(RealtimeTopicRule, { default: [] }),
    events_stream: EventsRetention,
  },
  { additionalProperties: false, default: {} },
);
export type RealtimeConfig = Static<typeof RealtimeConfig>;

const Section = Type.Object({ realtime: RealtimeConfig }, { additionalProperties: true });
const check = Compile(Section);

/** Reads the `realtime:` section (defaults for every missing key) from an already parsed config. */
export function parseRealtimeConfig(
  config: GatewayConfig | Record<string, unknown>,
  source = 'gateway config',
) {
  const value = Value.Default(
    Section,
    structuredClone({ realtime: (config as { realtime?: unknown }).realtime }),
  );
  if (!check.Check(value)) {
    const problems = [...check.Errors(value)].map(
      (e) => `${e.instancePath.slice(1).replaceAll('/', '.') || '(root)'}: ${e.message}`,
    );
    throw new ConfigError(`${source}: ${[...new Set(problems)].join('; ')}`);
  }
  const realtime = (value as Static<typeof Section>).realtime;
  const badProxy = realtime.trusted_proxies.findIndex((entry) => !isAddressOrCidr(entry));
  if (badProxy >= 0)
    throw new ConfigError(
      `${source}: realtime.trusted_proxies.${badProxy}: '${realtime.trusted_proxies[badProxy]}' is not an IP address or CIDR`,
    );
  return realtime;
}

/** `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`. */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The defaults, for tests and tools that override a few keys. */
export const defaultRealtimeConfig = (overrides: Partial<RealtimeConfig> = {}): RealtimeConfig => ({
  ...parseRealtimeConfig({}),
  ...overrides,
});
