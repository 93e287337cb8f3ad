// Who may do what on NATS: one user per service, each allowed exactly the subjects that service uses
// (design.md §9). The user JWTs, docs/security.md and the tests that try each forbidden subject are
// all derived from this one table, so the documentation cannot drift from what the server enforces.
import {
  ChangeSubjects,
  ControlSubjects,
  DiscoverySubjects,
  inboxPrefixFor,
  KvBuckets,
  OPERATIONS_WORK_SUBJECT,
  RateLimitSubjects,
  RpcSubjects,
  Streams,
} from '@idp/contracts';
import {
  JS_ACCOUNT_INFO,
  kvBucketAccess,
  kvStreamName,
  streamAdminAccess,
  streamConsumerAccess,
  streamGetAccess,
} from './jetstream-access.js';

export const SERVICE_USERS = ['edge', 'auth', 'ratelimit', 'platform', 'realtime', 'setup'] as const;
export type ServiceUser = (typeof SERVICE_USERS)[number];

export interface UserPermissions {
  /** What the user is for, in one line (shown in docs/security.md). */
  purpose: string;
  publish: string[];
  subscribe: string[];
  /** Responders may answer requests sent to them (NATS `allow_responses`), one reply each. */
  respond: boolean;
}

const inbox = (user: string) => `${inboxPrefixFor(user)}.>`;
const rpc = (service: string) => `idp.rpc.${service}.>`;

const DISCOVERY_VERBS = ['PING', 'INFO', 'STATS'] as const;
/**
 * A micro-service's own discovery subjects (libs/service-kit discovery.ts): the all-services verbs and
 * its own name's, never another name's, so no service can answer as another. Replies need `respond`.
 */
const discoverable = (service: string) => [
  ...DISCOVERY_VERBS.flatMap((verb) => [
    DiscoverySubjects.control(verb),
    DiscoverySubjects.control(verb, service),
    DiscoverySubjects.control(verb, service, '*'),
  ]),
  DiscoverySubjects.load(service),
];
/** Only the status aggregator (the platform) asks: per service name, replies on its own inbox. */
const discoveryAsker = () => DISCOVERY_VERBS.map((verb) => DiscoverySubjects.control(verb, '*'));

/** Every stream and bucket the setup step creates (KV buckets are streams named `KV_<bucket>`). */
export const SYSTEM_STREAMS = [
  Streams.events.name,
  Streams.eventStore.name,
  Streams.operationsWork.name,
  ...Object.values(KvBuckets).map(kvStreamName),
];

export const SERVICE_PERMISSIONS: Record<ServiceUser, UserPermissions> = {
  edge: {
    purpose:
      'REST front door: asks auth, platform and ratelimit; hears revocations, limit changes, the change feed',
    publish: [rpc('auth'), rpc('platform'), RateLimitSubjects.lease, RateLimitSubjects.config],
    subscribe: [
      inbox('edge'),
      ControlSubjects.credentialRevoked,
      RateLimitSubjects.configChanged,
      // The platform's change feed, which drops cached reads (empty messages: no data of any tenant).
      ChangeSubjects.all,
      ...discoverable('edge'),
    ],
    // Only to answer discovery pings (allow_responses: one reply to a message it received).
    respond: true,
  },
  auth: {
    purpose:
      'answers authentication and credential routes; owns the credential buckets; tells users their keys expire',
    publish: [
      ControlSubjects.credentialRevoked,
      // Every user's `user:notifications` (EventSubjects.userNotifications), nothing else of idp.evt.
      'idp.evt.*.user.*.notifications',
      JS_ACCOUNT_INFO,
      ...kvBucketAccess(KvBuckets.authCredentials),
      ...kvBucketAccess(KvBuckets.authRevokedTokens),
    ],
    subscribe: [rpc('auth'), inbox('auth'), ...discoverable('auth')],
    respond: true,
  },
  ratelimit: {
    purpose: 'leases rate-limit tokens from the shared counters; announces its config',
    publish: [
      RateLimitSubjects.configChanged,
      JS_ACCOUNT_INFO,
      ...kvBucketAccess(KvBuckets.rateLimitCounters),
    ],
    subscribe: [rpc('ratelimit'), RateLimitSubjects.reload, inbox('ratelimit'), ...discoverable('ratelimit')],
    respond: true,
  },
  platform: {
    purpose: 'the event-sourced backend: its event store, its work queue, public events; aggregates status',
    publish: [
      Streams.events.subjects[0],
      ...Streams.eventStore.subjects,
      // The change feed: one empty notice per event-store append, so edges drop cached reads.
      ChangeSubjects.all,
      OPERATIONS_WORK_SUBJECT,
      JS_ACCOUNT_INFO,
      ...streamConsumerAccess(Streams.eventStore.name),
      ...streamGetAccess(Streams.eventStore.name),
      ...streamConsumerAccess(Streams.operationsWork.name),
      // Only to check at start that the setup step created it.
      `$JS.API.STREAM.INFO.${Streams.events.name}`,
      // GET /status aggregates every service's discovery replies.
      ...discoveryAsker(),
    ],
    subscribe: [RpcSubjects.platformAll, inbox('platform'), ...discoverable('platform')],
    respond: true,
  },
  realtime: {
    purpose: 'WebSocket fan-out: reads IDP_EVENTS, asks auth and the platform, never publishes events',
    publish: [
      RpcSubjects.authenticate,
      RpcSubjects.platform('applications.get'),
      RpcSubjects.platform('operations.get'),
      RpcSubjects.platform('resources.get'),
      JS_ACCOUNT_INFO,
      ...streamConsumerAccess(Streams.events.name),
    ],
    subscribe: [inbox('realtime'), ControlSubjects.credentialRevoked, ...discoverable('realtime')],
    // Only to answer discovery pings (allow_responses: one reply to a message it received).
    respond: true,
  },
  setup: {
    purpose: 'one-shot setup step (npm start, tests, a Kubernetes Job): creates streams and buckets',
    publish: [JS_ACCOUNT_INFO, ...SYSTEM_STREAMS.flatMap(streamAdminAccess)],
    subscribe: [inbox('setup')],
    respond: false,
  },
};

/**
 * A NATS-native publisher for one tenant: it may publish that tenant's events (a JetStream publish
 * gets its acknowledgement on the publisher's own inbox) and nothing else.
 */
export function tenantPublisherPermissions(tenantToken: string): UserPermissions {
  const user = `pub_${tenantToken}`;
  return {
    purpose: `publishes events of tenant ${tenantToken}`,
    publish: [`idp.evt.${tenantToken}.>`],
    subscribe: [inbox(user)],
    respond: false,
  };
}

/** The inbox prefix a tenant publisher must connect with (`inboxPrefix`), given its tenant token. */
export const tenantPublisherInbox = (tenantToken: string) => inboxPrefixFor(`pub_${tenantToken}`);
