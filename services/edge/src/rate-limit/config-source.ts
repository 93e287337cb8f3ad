// The policies this edge enforces: its own copy of `rate_limits` at start (validated; a bad section
// stops the edge), then whatever the ratelimit service announces after each good reload.
import { parseRateLimits } from '@idp/config';
import { type RateLimitConfigNotice, RateLimitSubjects } from '@idp/contracts';
import { callRpc, decodeJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import { compilePolicies, type PolicySet } from './policies.js';

export interface PolicySource {
  current(): PolicySet;
  stop(): void;
}

export function startPolicySource(nc: NatsConnection, raw: unknown, logger: Logger): PolicySource {
  let policies = compilePolicies(parseRateLimits(raw, 'rate_limits'));
  let version = '';
  const adopt = (notice: RateLimitConfigNotice) => {
    if (notice.version === version) return;
    try {
      policies = compilePolicies(parseRateLimits(notice.rate_limits, 'announced rate_limits'));
      version = notice.version;
      logger.info({ version, enabled: policies.enabled }, 'rate limit config applied');
    } catch (error) {
      logger.error(
        { err: error, version: notice.version },
        'announced rate limit config rejected; keeping ours',
      );
    }
  };
  const sub = nc.subscribe(RateLimitSubjects.configChanged, {
    callback: (_err, msg) => {
      try {
        adopt(decodeJson(msg.data) as RateLimitConfigNotice);
      } catch (error) {
        logger.error({ err: error }, 'unreadable rate limit config notice');
      }
    },
  });
  // The service may run a newer config than our file; ask once, without delaying start.
  void callRpc(nc, RateLimitSubjects.config, {}, { timeoutMs: 2_000 })
    .then((reply) => adopt(reply.data as RateLimitConfigNotice))
    .catch(() => logger.debug('ratelimit service did not announce a config at start'));
  return { current: () => policies, stop: () => sub.unsubscribe() };
}
