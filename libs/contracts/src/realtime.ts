// The WebSocket protocol of /ws/v1 (design.md §5): every client and server message as a TypeBox
// schema, and the close codes with the range that tells a client whether to reconnect.
import Type, { type Static } from 'typebox';
import { ErrorBody } from './errors.js';

/** `kind:id:channel` or `user:notifications`; the tenant is never part of a topic. */
export const TopicName = Type.String({
  minLength: 1,
  maxLength: 300,
  pattern: '^(user:notifications|[A-Za-z0-9_-]{1,128}:[A-Za-z0-9_-]{1,128}:[A-Za-z0-9_-]{1,128})$',
});

/** The identity of the events stream's life; opaque to clients. */
export const Epoch = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** A JetStream stream sequence: the resume cursor. */
export const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const SubscribeMessage = Type.Object(
  {
    type: Type.Literal('subscribe'),
    // The hard cap only bounds parsing; the configured per-connection limit is checked afterwards.
    topics: Type.Array(TopicName, { minItems: 1, maxItems: 1000 }),
    since: Type.Optional(Seq),
    epoch: Type.Optional(Epoch),
  },
  { additionalProperties: false },
);
export type SubscribeMessage = Static<typeof SubscribeMessage>;

export const UnsubscribeMessage = Type.Object(
  { type: Type.Literal('unsubscribe'), topics: Type.Array(TopicName, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type UnsubscribeMessage = Static<typeof UnsubscribeMessage>;

export const PingMessage = Type.Object({ type: Type.Literal('ping') }, { additionalProperties: false });
export type PingMessage = Static<typeof PingMessage>;

export const AuthMessage = Type.Object(
  { type: Type.Literal('auth'), token: Type.String({ minLength: 1, maxLength: 16_384 }) },
  { additionalProperties: false },
);
export type AuthMessage = Static<typeof AuthMessage>;

/** Client → server, keyed by `type` so a validator can name the message it checks. */
export const ClientMessages = {
  subscribe: SubscribeMessage,
  unsubscribe: UnsubscribeMessage,
  ping: PingMessage,
  auth: AuthMessage,
} as const;
export type ClientMessageType = keyof typeof ClientMessages;
export const ClientMessage = Type.Union([SubscribeMessage, UnsubscribeMessage, PingMessage, AuthMessage]);
export type ClientMessage = Static<typeof ClientMessage>;

export const SubscribedMessage = Type.Object({
  type: Type.Literal('subscribed'),
  topics: Type.Array(TopicName),
  epoch: Epoch,
  /** Present when the subscribe carried `since`: false means "refetch state over REST". */
  resumed: Type.Optional(Type.Boolean()),
});
export type SubscribedMessage = Static<typeof SubscribedMessage>;

export const EventMessage = Type.Object({
  type: Type.Literal('event'),
  topic: TopicName,
  event: Type.String(),
  timestamp: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  seq: Seq,
});
export type EventMessage = Static<typeof EventMessage>;

/** `error.details.topics` names the topics a subscribe error concerns, when it concerns some. */
export const ErrorMessage = Type.Object({ type: Type.Literal('error'), error: ErrorBody });
export type ErrorMessage = Static<typeof ErrorMessage>;

export const PongMessage = Type.Object({ type: Type.Literal('pong') });
export type PongMessage = Static<typeof PongMessage>;

export const ServerMessage = Type.Union([SubscribedMessage, EventMessage, ErrorMessage, PongMessage]);
export type ServerMessage = Static<typeof ServerMessage>;

/**
 * Close codes. 4000–4099: reconnect (with backoff) and resume from the last seq. 4400–4499: do not
 * reconnect as is (fix the token or the client first). 1000/1001 are normal closes.
 */
export const CloseCodes = {
  SERVER_SHUTDOWN: 4000,
  SLOW_CONSUMER: 4001,
  TOKEN_EXPIRED: 4002,
  HEARTBEAT_TIMEOUT: 4003,
  IDLE_TIMEOUT: 4004,
  RESUME_INTERRUPTED: 4005,
  UNAVAILABLE: 4006,
  /** The instance holds `max_connections`: reconnect with backoff (to another instance). */
  INSTANCE_FULL: 4007,
  PROTOCOL_VIOLATION: 4400,
  AUTH_FAILED: 4401,
  /** The API key or service-account token behind the connection was revoked. */
  CREDENTIAL_REVOKED: 4402,
  PRINCIPAL_CHANGED: 4403,
  AUTH_TIMEOUT: 4408,
  RATE_LIMITED: 4429,
  /** The client's address holds `max_connections_per_ip`: close another connection first. */
  TOO_MANY_CONNECTIONS_IP: 4430,
  /** The principal (tenant + sub) holds `max_connections_per_principal`: close another one first. */
  TOO_MANY_CONNECTIONS_PRINCIPAL: 4431,
} as const;
export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

/** True for codes after which a client should reconnect and resume. */
export const isReconnectCloseCode = (code: number) =>
  (code >= 4000 && code <= 4099) ||
  code === 1001 ||
  code === 1006 ||
  code === 1011 ||
  code === 1012 ||
  code === 1013;
/** True for codes after which reconnecting with the same credentials is pointless. */
export const isFatalCloseCode = (code: number) => code >= 4400 && code <= 4499;
