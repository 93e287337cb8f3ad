// GET /status reports every service as service discovery finds it ($SRV.PING/$SRV.STATS): instances
// come and go with the processes, a dead service shows unhealthy while the route still answers, and a
// tenant sees health, counts and versions but none of the platform's traffic.
import { mintToken, waitFor } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, type System, startSystem } from './system.js';

const OPERATOR_TENANT = 'ops';
const SERVICES = ['edge', 'auth', 'ratelimit', 'realtime', 'platform'];

let system: System;
let tenant: ApiClient;
let operator: ApiClient;
beforeAll(async () => {
  system = await startSystem({ env: { IDP_STATUS_OPERATOR_TENANT: OPERATOR_TENANT } });
  tenant = apiClient(system.baseUrl, await mintToken({ sub: 'alice', tenant: 'acme' }));
  operator = apiClient(system.baseUrl, await mintToken({ sub: 'olga', tenant: OPERATOR_TENANT }));
});
afterAll(async () => {
  // Discovery runs within each service's own NATS permissions: a working system causes no violation.
  const violations = system?.nats.permissionViolations() ?? [];
  await system?.stop();
  expect(violations).toEqual([]);
});

// biome-ignore lint/suspicious/noExplicitAny: assertions walk the reply's JSON
type Status = any;

/** The status as `client` sees it, bypassing the edge's response cache. */
async function status(client: ApiClient): Promise<Status> {
  const res = await client.get('/status', { 'cache-control': 'no-cache' });
  expect(res.status).toBe(200);
  return res.body.data;
}

/** Polls until the status satisfies `holds` (discovery sweeps are reused for up to a second). */
const statusWhere = (client: ApiClient, holds: (s: Status) => boolean, message: string) =>
  waitFor(
    async () => {
      const current = await status(client);
      return holds(current) ? current : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 200, message },
  );

/** Every number anywhere in a JSON value, with its path. */
function numbersIn(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return [path];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => numbersIn(inner, `${path}.${key}`));
}

describe('GET /status and service discovery', () => {
  it('shows a tenant every service healthy with its count and version, and none of the traffic', async () => {
    const seen = await statusWhere(
      tenant,
      (s) => SERVICES.every((name) => s.services?.[name]?.instances.count === 1),
      'every service found once',
    );
    for (const name of SERVICES) {
      expect(seen.services[name], name).toEqual({
        status: 'healthy',
        instances: { count: 1, versions: ['0.1.0'] },
      });
    }
    // The only numbers a tenant gets about services are instance counts.
    expect(numbersIn(seen.services).every((path) => path.endsWith('.instances.count'))).toBe(true);
  });

  it('shows a platform operator each instance and its load', async () => {
    const seen = await statusWhere(
      operator,
      (s) => s.services?.platform?.stats?.length === 1,
      'operator stats',
    );
    expect(seen.services.platform.instances.ids).toEqual(['platform']);
    expect(seen.services.platform.stats[0].load).toMatchObject({
      operations_in_progress: expect.any(Number),
    });
    expect(seen.services.realtime.stats[0].load).toMatchObject({ open_connections: expect.any(Number) });
  });

  it('counts a second instance while it runs, and drops it when it stops', async () => {
    const second = await system.startService('ratelimit', 'ratelimit-2');
    const two = await statusWhere(
      operator,
      (s) => s.services.ratelimit.instances.count === 2,
      'two instances',
    );
    expect(two.services.ratelimit.instances.ids).toEqual(['ratelimit', 'ratelimit-2']);
    await second.stop();
    await statusWhere(tenant, (s) => s.services.ratelimit.instances.count === 1, 'back to one instance');
  });

  it('shows a stopped service unhealthy while the route still answers', async () => {
    await system.services.realtime!.stop();
    const seen = await statusWhere(
      tenant,
      (s) => s.services.realtime.status === 'unhealthy',
      'realtime down',
    );
    expect(seen.services.realtime.instances).toEqual({ count: 0, versions: [] });
    expect(seen.services.platform.status).toBe('healthy');
  });
});
