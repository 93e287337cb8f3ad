import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadRateLimitConfig, parseRateLimits } from '@idp/config';
import { type RateLimitConfigNotice, RateLimitSubjects } from '@idp/contracts';
import { callRpc, decodeJson, runSetupStep } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer, waitFor } from '@idp/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRateLimitService } from '../src/service.js';

describe('rate_limits validation', () => {
  it('loads the shipped config/gateway.yaml', async () => {
    const config = await loadRateLimitConfig(
      new URL('../../../config/gateway.yaml', import.meta.url).pathname,
    );
    expect(config.enabled).toBe(true);
    expect(config.by_endpoint['POST /api/v1/applications']?.requests_per_hour).toBeGreaterThan(0);
  });

  it.each([
    [
      { per_user: { requests_per_minut: 5 } },
      /rate_limits\.per_user\.requests_per_minut: is not a known key/,
    ],
    [{ global: {} }, /rate_limits\.global: needs requests_per_minute, requests_per_hour or both/],
    [{ per_tenant: { requests_per_hour: 0 } }, /rate_limits\.per_tenant\.requests_per_hour/],
    [
      { by_endpoint: { 'POST /api/v1/nothing': { requests_per_hour: 1 } } },
      /POST \/api\/v1\/nothing.*matches no route/,
    ],
    [
      { by_endpoint: { '/api/v1/teams': { requests_per_hour: 1 } } },
      /by_endpoint\["\/api\/v1\/teams"\]: must look like/,
    ],
    [{ tenants: { acme: 'gold' } }, /rate_limits\.tenants\.acme: unknown tier 'gold'/],
    [{ on_unavailable: 'maybe' }, /rate_limits\.on_unavailable/],
    [{ lease_sise: 3 }, /rate_limits\.lease_sise: is not a known key/],
    [{ trusted_proxies: ['10.0.0.0/40'] }, /rate_limits\.trusted_proxies\[0\]: '10\.0\.0\.0\/40' is not/],
    [{ unauthenticated: {} }, /rate_limits\.unauthenticated: needs requests_per_minute/],
    [{ auth_failure_cache: { ttl: 5 } }, /rate_limits\.auth_failure_cache\.ttl: is not a known key/],
  ])('names the bad key in %j', (raw, message) => {
    expect(() => parseRateLimits(raw)).toThrow(ConfigError);
    expect(() => parseRateLimits(raw)).toThrow(message);
  });

  it('accepts tiers, wildcard endpoints and both windows', () => {
    const config = parseRateLimits({
      per_user: { requests_per_minute: 10, requests_per_hour: 100 },
      by_endpoint: { 'PUT /api/v1/applications/*/desired-state': { requests_per_hour: 5, per: 'tenant' } },
      tiers: { pro: { per_user: { requests_per_minute: 50 } } },
      tenants: { acme: 'pro' },
    });
    expect(config.tenants.acme).toBe('pro');
    expect(config.on_unavailable).toBe('allow_local');
  });

  it('limits unauthenticated requests per client address and trusts no proxy by default', () => {
    const config = parseRateLimits({ global: { requests_per_minute: 10 } });
    expect(config.unauthenticated).toEqual({ requests_per_minute: 300 });
    expect(config.trusted_proxies).toEqual([]);
    expect(config.auth_failure_cache).toEqual({ ttl_ms: 10_000, max_entries: 10_000 });
    expect(
      parseRateLimits({ trusted_proxies: ['10.0.0.0/8', 'fd00::/8', '192.0.2.1'] }).trusted_proxies,
    ).toHaveLength(3);
  });
});

describe('config reload', () => {
  const logger = createLogger({ service: 'ratelimit-test', level: 'silent' });
  let server: NatsServerHandle;
  let nc: NatsConnection;
  /** Plays the edge and the operator: hears announcements, asks for the config, asks for a reload. */
  let observer: NatsConnection;
  let dir: string;

  beforeAll(async () => {
    server = await startNatsServer();
    await runSetupStep({ servers: server.url, logger, ...server.as('setup') });
    nc = await connect(server.clientOptions('ratelimit'));
    observer = await connect(server.clientOptions('test'));
    dir = await mkdtemp(join(tmpdir(), 'idp-rl-'));
  });
  afterAll(async () => {
    await nc?.close();
    await observer?.close();
    await server?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start on a bad file, applies a good change and keeps the last good config on a bad one', async () => {
    const path = join(dir, 'gateway.yaml');
    await writeFile(path, 'rate_limits:\n  per_user:\n    requests_per_minut: 5\n');
    await expect(startRateLimitService(nc, { configPath: path }, logger)).rejects.toThrow(
      /requests_per_minut/,
    );

    await writeFile(path, 'rate_limits:\n  per_user:\n    requests_per_minute: 5\n');
    const service = await startRateLimitService(nc, { configPath: path, reloadDebounceMs: 20 }, logger);
    const notices: RateLimitConfigNotice[] = [];
    observer.subscribe(RateLimitSubjects.configChanged, {
      callback: (_e, msg) => {
        notices.push(decodeJson(msg.data) as RateLimitConfigNotice);
      },
    });
    const first = service.config.current().version;

    await writeFile(path, 'rate_limits:\n  per_user:\n    requests_per_minute: 7\n');
    await waitFor(() => service.config.current().version !== first, { timeoutMs: 5_000 });
    const second = service.config.current();
    expect(
      (second.rate_limits as { per_user: { requests_per_minute: number } }).per_user.requests_per_minute,
    ).toBe(7);
    await waitFor(() => notices.some((n) => n.version === second.version), { timeoutMs: 5_000 });

    await writeFile(path, 'rate_limits:\n  per_user:\n    requests_per_minute: -1\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(service.config.current().version).toBe(second.version);

    // An empty file is a write caught half-way (truncated, not yet written), not "no limits".
    await writeFile(path, '');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(service.config.current().version).toBe(second.version);

    // A reload over NATS re-reads the file: fixed now, it is applied.
    await writeFile(path, 'rate_limits:\n  per_user:\n    requests_per_minute: 9\n');
    observer.publish(RateLimitSubjects.reload);
    await waitFor(() => service.config.current().version !== second.version, { timeoutMs: 5_000 });
    const asked = await callRpc(observer, RateLimitSubjects.config, {});
    expect((asked.data as RateLimitConfigNotice).version).toBe(service.config.current().version);
    service.stop();
  });
});
