// Every NATS subject and stream name of the system. Services build subjects only through these functions.

/** Request/reply subjects; each service subscribes in a queue group named after itself. */
export const RpcSubjects = {
  authenticate: 'idp.rpc.auth.authenticate',
  jwks: 'idp.rpc.auth.jwks',
  platform: (routeName: string) => `idp.rpc.platform.${routeName}`,
  /** The subject a route of the REST table is answered on: `idp.rpc.<service>.<route name>`. */
  route: (route: { name: string; service?: string }) =>
    `idp.rpc.${route.service ?? 'platform'}.${route.name}`,
  platformAll: 'idp.rpc.platform.>',
  ping: (service: string) => `idp.rpc.${service}.ping`,
} as const;

export const Streams = {
  /** Public events delivered to WebSocket clients (design.md §5). */
  events: { name: 'IDP_EVENTS', subjects: ['idp.evt.>'] },
  /** The platform's event store: one subject per aggregate. Internal, never exposed to clients. */
  eventStore: { name: 'IDP_EVENTSTORE', subjects: ['idp.es.>'] },
  /** Work queue of operations to run; one message per operation, removed when it is finished. */
  operationsWork: { name: 'IDP_OPERATIONS_WORK', subjects: ['idp.work.operations'] },
} as const;

export const OPERATIONS_WORK_SUBJECT = 'idp.work.operations';

const SAFE_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * Makes any string usable as one subject token. Ids we mint are already safe; user ids from an
 * identity provider may hold `.`, `@` or `*`, which would change a subject's meaning, so those are
 * base64url-encoded behind a `~` (a character our own ids never use).
 */
export function subjectToken(value: string): string {
  if (SAFE_TOKEN.test(value)) return value;
  const bytes = new TextEncoder().encode(value);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `~${btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')}`;
}

export const EventStoreSubjects = {
  aggregate: (tenant: string, aggregate: string, id: string) =>
    `idp.es.${subjectToken(tenant)}.${aggregate}.${subjectToken(id)}`,
  all: 'idp.es.>',
} as const;

/**
 * The platform's change feed (core NATS, not stored): one empty message per event-store append, on
 * the appended aggregate's `idp.chg.<tenant>.<aggregate>.<id>`, so every edge drops its cached reads.
 */
export const ChangeSubjects = {
  aggregate: (tenant: string, aggregate: string, id: string) =>
    `idp.chg.${subjectToken(tenant)}.${aggregate}.${subjectToken(id)}`,
  all: 'idp.chg.>',
} as const;

/** A client-facing topic (`application:app_1:status`) resolved for one tenant. */
export interface Topic {
  kind: string;
  id: string;
  channel: string;
}

const TOPIC_PART = /^[A-Za-z0-9_-]{1,128}$/;

/** Parses `kind:id:channel` or `user:notifications` (the caller's own); undefined when malformed. */
export function parseTopic(topic: string, callerSub: string): Topic | undefined {
  const parts = topic.split(':');
  if (parts.length === 2 && parts[0] === 'user' && parts[1] === 'notifications') {
    return { kind: 'user', id: callerSub, channel: 'notifications' };
  }
  if (parts.length !== 3) return undefined;
  const [kind, id, channel] = parts as [string, string, string];
  if (![kind, id, channel].every((p) => TOPIC_PART.test(p))) return undefined;
  return { kind, id, channel };
}

export const EventSubjects = {
  forTopic: (tenant: string, topic: Topic) =>
    `idp.evt.${subjectToken(tenant)}.${topic.kind}.${subjectToken(topic.id)}.${topic.channel}`,
  application: (tenant: string, appId: string, channel = 'status') =>
    EventSubjects.forTopic(tenant, { kind: 'application', id: appId, channel }),
  operation: (tenant: string, opId: string, channel = 'progress') =>
    EventSubjects.forTopic(tenant, { kind: 'operation', id: opId, channel }),
  resource: (tenant: string, resourceId: string, channel: string) =>
    EventSubjects.forTopic(tenant, { kind: 'resource', id: resourceId, channel }),
  userNotifications: (tenant: string, sub: string) =>
    EventSubjects.forTopic(tenant, { kind: 'user', id: sub, channel: 'notifications' }),
  tenantAll: (tenant: string) => `idp.evt.${subjectToken(tenant)}.>`,
  all: 'idp.evt.>',
} as const;

/** Control-plane notices between services (core NATS, not stored). */
export const ControlSubjects = {
  /** A credential was revoked: every cache of authentication decisions drops it at once. */
  credentialRevoked: 'idp.ctl.auth.revoked',
} as const;

/**
 * Each service receives replies only under its own inbox prefix, so its NATS user may subscribe to
 * `<prefix>.>` and nothing of another service's replies (design.md §9).
 */
export const inboxPrefixFor = (user: string) => `_INBOX_${user}`;

/** NATS headers the system propagates on every hop. */
export const Headers = {
  requestId: 'X-Request-Id',
  traceparent: 'traceparent',
} as const;
