// Deny-by-default authorisation of topics. Built-in rules ask the platform whether the caller may read
// the object behind the topic (the same check as the REST read, so team scopes apply); `user:notifications`
// is the caller's own; other kinds need a configured rule. Every allow names its rule.
import type { RealtimeTopicRule } from '@idp/config';
import {
  ApiError,
  type ErrorCode,
  type Principal,
  parseTopic,
  RESOURCE_PATH_NAMES,
  ResourceTypes,
  type RouteDef,
  Routes,
  RpcSubjects,
  routePermission,
  type Topic,
} from '@idp/contracts';
import { callRpc } from '@idp/nats';
import { evaluate, type RoleCatalogue } from '@idp/rbac';
import { BreakerOpenError, type GroupBreaker } from '@idp/resilience';
import type { NatsConnection } from '@nats-io/transport-node';

export type TopicDecision =
  | { allowed: true; rule: string; topic: Topic }
  | { allowed: false; code: ErrorCode; message: string };

/** Asks whether `principal` may read an object; resolves true/false, rejects when the owner is down. */
export type ReadCheck = (
  principal: Principal,
  route: string,
  params: Record<string, string>,
) => Promise<boolean>;

const RESOURCE_PATH_BY_PREFIX = new Map<string, string>(
  RESOURCE_PATH_NAMES.map((path) => [ResourceTypes[path].idPrefix, path]),
);

/**
 * The permission the REST read of the same object needs, sent along so the platform applies the same
 * checks as for `GET` over REST.
 */
function readPermission(route: string, params: Record<string, string>): string {
  const def = (Routes as readonly RouteDef[]).find((r) => r.name === route);
  if (!def) throw new Error(`no route '${route}'`);
  return routePermission(def, params);
}

/**
 * The platform answers the REST read; NOT_FOUND and FORBIDDEN both mean "no" (existence is not revealed).
 * Behind the platform's circuit breaker: while it is open the check fails at once, sending nothing.
 */
export function platformReadCheck(nc: NatsConnection, timeoutMs: number, breaker: GroupBreaker): ReadCheck {
  return async (principal, route, params) => {
    try {
      const permission = readPermission(route, params);
      await breaker.run(() =>
        callRpc(nc, RpcSubjects.platform(route), { principal, params, query: {}, permission }, { timeoutMs }),
      );
      return true;
    } catch (error) {
      if (error instanceof ApiError && ['NOT_FOUND', 'FORBIDDEN', 'VALIDATION_ERROR'].includes(error.code)) {
        return false;
      }
      throw error;
    }
  };
}

const denied = (topic: string): TopicDecision => ({
  allowed: false,
  code: 'FORBIDDEN',
  message: `Not allowed to subscribe to '${topic}'`,
});

export class TopicAuthorizer {
  constructor(
    private readonly canRead: ReadCheck,
    private readonly roles: RoleCatalogue,
    private readonly rules: readonly RealtimeTopicRule[],
  ) {}

  async decide(principal: Principal, name: string): Promise<TopicDecision> {
    const topic = parseTopic(name, principal.sub);
    if (!topic) return { allowed: false, code: 'VALIDATION_ERROR', message: `Malformed topic '${name}'` };
    try {
      const rule = await this.builtIn(principal, name, topic);
      if (rule === false) return denied(name);
      if (rule) return { allowed: true, rule, topic };
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'SERVICE_UNAVAILABLE';
      const when =
        error instanceof BreakerOpenError
          ? `the ${error.group} service is unavailable; retry in ${error.retryAfterSeconds} s`
          : 'retry later';
      return { allowed: false, code, message: `Cannot check access to '${name}' now; ${when}` };
    }
    return this.configured(principal, name, topic);
  }

  /** A rule name when a built-in rule allows, false when one denies, undefined when none applies. */
  private async builtIn(
    principal: Principal,
    name: string,
    topic: Topic,
  ): Promise<string | false | undefined> {
    const { kind, id, channel } = topic;
    if (kind === 'user') return name === 'user:notifications' ? 'user:own-notifications' : false;
    if (kind === 'application') {
      if (channel !== 'status') return false;
      return (await this.canRead(principal, 'applications.get', { id })) && 'platform:applications.get';
    }
    if (kind === 'operation') {
      if (channel !== 'progress') return false;
      return (await this.canRead(principal, 'operations.get', { id })) && 'platform:operations.get';
    }
    if (kind === 'resource') {
      const type = RESOURCE_PATH_BY_PREFIX.get(id.split('_')[0] ?? '');
      if (!type || (channel !== 'status' && channel !== 'health')) return false;
      return (
        (await this.canRead(principal, 'resources.get', { type, id })) && `platform:resources.get(${type})`
      );
    }
    return undefined;
  }

  private configured(principal: Principal, name: string, topic: Topic): TopicDecision {
    for (const rule of this.rules) {
      if (rule.kind !== topic.kind || (rule.channel !== '*' && rule.channel !== topic.channel)) continue;
      const decision = evaluate(principal, this.roles, rule.permission);
      if (decision.allowed) {
        const why = decision.rule ? ` via ${decision.rule.role}@${decision.rule.scope}` : '';
        return { allowed: true, rule: `config:${rule.name}${why}`, topic };
      }
    }
    return denied(name);
  }
}
