// Test helpers: a platform instance in-process, a principal, and a client that calls routes the way
// the edge does (RpcRequest over NATS, query defaults applied).
import { loadGatewayConfig } from '@idp/config';
import {
  type ApiError,
  type Principal,
  type RouteDef,
  type RouteName,
  Routes,
  RpcSubjects,
  type RpcSuccess,
  routePermission,
  Streams,
} from '@idp/contracts';
import { callRpc, connectNats, runSetupStep } from '@idp/nats';
import { createLogger, type Logger } from '@idp/observability';
import type { RoleCatalogue } from '@idp/rbac';
import { type NatsServerHandle, waitFor } from '@idp/testing';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { PlatformEnv } from '../config.js';
import type { RunnerHooks } from '../operations/run-context.js';
import { type PlatformHandle, startPlatform } from '../platform.js';
import type { QuotaLookup } from '../quota-lookup.js';

export const testLogger = (): Logger =>
  createLogger({ service: 'platform', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export const TEST_ENV: Partial<PlatformEnv> = {
  IDP_OPERATION_STAGE_MS: 60,
  IDP_OPERATION_ACK_WAIT_MS: 1000,
  IDP_OPERATION_MAX_ATTEMPTS: 3,
  // Off unless a test turns it on, so no health event lands in another test's event counts.
  IDP_HEALTH_CHECK_INTERVAL_MS: 0,
};

let instances = 0;

const CONFIG_FILE = new URL('../../../../config/gateway.yaml', import.meta.url).pathname;
let roles: RoleCatalogue | undefined;

/** The role catalogue of config/gateway.yaml: the platform denies every permission without one. */
export async function testRoles(): Promise<RoleCatalogue> {
  roles ??= (await loadGatewayConfig(CONFIG_FILE)).roles;
  return roles;
}

/** Runs the setup step (idempotent), then starts an instance with the platform's own NATS user. */
export async function startTestPlatform(
  nats: NatsServerHandle,
  options: { env?: Partial<PlatformEnv>; hooks?: RunnerHooks; quotas?: QuotaLookup } = {},
): Promise<PlatformHandle> {
  instances++;
  await runSetupStep({ servers: nats.url, logger: testLogger(), ...nats.as('setup') });
  return startPlatform({
    natsUrl: nats.url,
    logger: testLogger(),
    env: {
      ...TEST_ENV,
      IDP_INSTANCE_ID: `test-${instances}`,
      ...(nats.setup && { NATS_CREDS: nats.setup.credsFile('platform') }),
      ...options.env,
    },
    roles: await testRoles(),
    hooks: options.hooks,
    ...(options.quotas && { quotas: options.quotas }),
  });
}

export function principal(tenant = 't1', sub = 'alice', extra: Partial<Principal> = {}): Principal {
  return {
    sub,
    tenant_id: tenant,
    roles: [{ role: 'admin', scope: `tenant:${tenant}` }],
    credential: 'jwt',
    ...extra,
  };
}

/** Replies are checked by assertions, so tests read them loosely typed. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read loosely-typed replies
export type Loose = Record<string, any>;

const ROUTES_BY_NAME = new Map<string, RouteDef>((Routes as readonly RouteDef[]).map((r) => [r.name, r]));

export interface CallInput {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  if_match?: string;
}

export class TestClient {
  private constructor(
    readonly nc: NatsConnection,
    public who: Principal,
  ) {}

  /** Connects as the `test` user, which may also read the event store directly. */
  static async connect(nats: NatsServerHandle, who = principal()): Promise<TestClient> {
    return new TestClient(
      await connectNats({
        servers: nats.url,
        name: 'platform-test-client',
        logger: testLogger(),
        ...nats.as('test'),
      }),
      who,
    );
  }

  as(who: Principal): TestClient {
    return new TestClient(this.nc, who);
  }

  /** Calls a route as the edge does, with the route's permission (which the platform re-checks). */
  call(route: RouteName, input: CallInput = {}): Promise<RpcSuccess> {
    const params = input.params ?? {};
    const request = {
      principal: this.who,
      permission: routePermission(ROUTES_BY_NAME.get(route)!, params),
      params,
      query: { page: 1, per_page: 50, ...input.query },
      body: input.body,
      ...(input.if_match !== undefined && { if_match: input.if_match }),
    };
    return callRpc(this.nc, RpcSubjects.platform(route), request, { timeoutMs: 3000 });
  }

  /** Data of a successful call, typed loosely for assertions. */
  async data<T = Loose>(route: RouteName, input: CallInput = {}): Promise<T> {
    return (await this.call(route, input)).data as T;
  }

  async error(route: RouteName, input: CallInput = {}): Promise<ApiError> {
    try {
      await this.call(route, input);
    } catch (error) {
      return error as ApiError;
    }
    throw new Error(`${route} unexpectedly succeeded`);
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}

export function waitUntil<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  return waitFor(probe, { timeoutMs, intervalMs: 50, message: `waiting for ${what}` }) as Promise<T>;
}

/** Polls an operation until it reaches an end state. */
export function waitForOperation(client: TestClient, id: string, timeoutMs = 20_000): Promise<Loose> {
  return waitUntil<Loose>(
    async () => {
      const op = await client.data('operations.get', { params: { id } });
      return ['succeeded', 'failed', 'cancelled'].includes(op.status) ? op : undefined;
    },
    timeoutMs,
    `operation ${id} to end`,
  );
}

/** Team + application with a desired state: the usual starting point. */
export async function seedApp(
  client: TestClient,
  name: string,
  desired = { version: 'v1', replicas: 2, env: { LOG_LEVEL: 'info' } },
) {
  const team = await client.data('teams.create', { body: { name: `team-${name}` } });
  const app = await client.data('applications.create', { body: { name, team_id: team.id } });
  await client.call('applications.desiredState.put', { params: { id: app.id }, body: desired });
  return { team, app };
}

/** Every public event stored on `subject` (wildcards allowed), with its message id when it had one. */
export async function readPublicEvents(
  nc: NatsConnection,
  subject: string,
): Promise<{ subject: string; event: string; data: Loose; msgId?: string }[]> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(Streams.events.name, { filter_subjects: subject });
  const out: { subject: string; event: string; data: Loose; msgId?: string }[] = [];
  for (;;) {
    const msg = await consumer.next({ expires: 1000 });
    if (!msg) break;
    const body = msg.json<{ event: string; data: Loose }>();
    out.push({ subject: msg.subject, ...body, msgId: msg.headers?.get('Nats-Msg-Id') || undefined });
    if (msg.info.pending === 0) break;
  }
  return out;
}

/** Every stored event of one aggregate, read straight from the event store. */
export async function readAggregateEvents(
  nc: NatsConnection,
  subject: string,
): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(Streams.eventStore.name, { filter_subjects: subject });
  const out: { type: string; data: Record<string, unknown> }[] = [];
  for (;;) {
    const msg = await consumer.next({ expires: 1000 });
    if (!msg) break;
    out.push(msg.json());
    if (msg.info.pending === 0) break;
  }
  return out;
}
