// Owns the `rate_limits` config: loads it at start (a bad file stops the service), re-reads it when
// the file changes or on `idp.ctl.ratelimit.reload`, and announces each good version to the edges.
// A bad reload is logged and the last good config stays in force.
import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { loadRateLimitConfig, type RateLimitsConfig } from '@idp/config';
import { type RateLimitConfigNotice, RateLimitSubjects } from '@idp/contracts';
import { encodeJson, serveJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

export interface ConfigPublisherOptions {
  path: string;
  debounceMs: number;
  announceMs: number;
  queue: string;
}

export async function startConfigPublisher(
  nc: NatsConnection,
  options: ConfigPublisherOptions,
  logger: Logger,
) {
  let current = toNotice(await loadRateLimitConfig(options.path));
  let timer: NodeJS.Timeout | undefined;
  const announce = () => nc.publish(RateLimitSubjects.configChanged, encodeJson(current));

  async function reload(trigger: string) {
    try {
      // An empty file is a write in progress (truncated, not yet written: seen in CI on a loaded
      // machine), never a config: read as one it switched every limit off, and the bad file written
      // next then kept them off as "the last good config". The write's own change event reloads.
      if ((await stat(options.path)).size === 0) {
        logger.warn(
          { trigger, version: current.version },
          'rate limit config file is empty; keeping the last good config',
        );
        return;
      }
      const next = toNotice(await loadRateLimitConfig(options.path));
      if (next.version === current.version) return;
      current = next;
      announce();
      logger.info({ version: current.version, trigger }, 'rate limit config reloaded');
    } catch (error) {
      logger.error(
        { err: error, trigger, version: current.version },
        'rate limit config reload failed; keeping the last good config',
      );
    }
  }
  const schedule = (trigger: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload(trigger), options.debounceMs);
  };

  // The directory, not the file: editors and ConfigMap updates replace the file (a rename).
  const file = basename(options.path);
  const watcher: FSWatcher = watch(dirname(options.path), (_event, name) => {
    if (name === file) schedule('file');
  });
  const subscriptions: Subscription[] = [
    nc.subscribe(RateLimitSubjects.reload, { callback: () => schedule('nats') }),
    serveJson(nc, RateLimitSubjects.config, () => ({ ok: true, status: 200, data: current }), {
      queue: options.queue,
      logger,
    }),
  ];
  const heartbeat = setInterval(announce, options.announceMs);
  announce();
  return {
    current: () => current,
    reload,
    stop() {
      clearTimeout(timer);
      clearInterval(heartbeat);
      watcher.close();
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

function toNotice(config: RateLimitsConfig): RateLimitConfigNotice {
  const text = JSON.stringify(config);
  const version = createHash('sha256').update(text).digest('base64url').slice(0, 16);
  return { version, loaded_at: new Date().toISOString(), rate_limits: config };
}
