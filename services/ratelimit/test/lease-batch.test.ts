// Finding 6 (issue 9): one bucket the service cannot serve (a key over 256 characters) made it refuse
// the whole lease batch, which the edge took for an outage. Now each bucket is checked on its own:
// the bad one gets an error grant, every other bucket of the batch is served.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LeaseReply, RateLimitSubjects } from '@idp/contracts';
import { callRpc, runSetupStep } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRateLimitService } from '../src/service.js';

const logger = createLogger({ service: 'ratelimit-test', level: 'silent' });
let server: NatsServerHandle;
let nc: NatsConnection;
let edge: NatsConnection;
let dir: string;
let service: Awaited<ReturnType<typeof startRateLimitService>>;

beforeAll(async () => {
  server = await startNatsServer();
  await runSetupStep({ servers: server.url, logger, ...server.as('setup') });
  nc = await connect(server.clientOptions('ratelimit'));
  edge = await connect(server.clientOptions('edge'));
  dir = await mkdtemp(join(tmpdir(), 'idp-rl-batch-'));
  const path = join(dir, 'gateway.yaml');
  await writeFile(path, 'rate_limits:\n  per_user:\n    requests_per_minute: 5\n');
  service = await startRateLimitService(nc, { configPath: path }, logger);
});
afterAll(async () => {
  service?.stop();
  await Promise.all([nc?.close(), edge?.close()]);
  await server?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const bucket = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  limit: 100,
  window_ms: 60_000,
  want: 10,
  ...extra,
});
const lease = async (buckets: unknown[]) =>
  ((await callRpc(edge, RateLimitSubjects.lease, { buckets })).data as LeaseReply).grants;

describe('a lease batch with one bad bucket', () => {
  it('serves every other bucket and gives the bad one an error of its own', async () => {
    const grants = await lease([
      bucket('g.m.batch'),
      bucket(`u.m.${'x'.repeat(300)}`),
      bucket('u.m.ok', { want: 0 }),
      bucket('t.m.batch'),
    ]);
    expect(grants.map((g) => [g.granted, g.error])).toEqual([
      [10, undefined],
      [0, 'INVALID_BUCKET'],
      [0, 'INVALID_BUCKET'],
      [10, undefined],
    ]);
  });

  it('grants what waiting requests need, up to what is left', async () => {
    const [first] = await lease([bucket('u.m.need', { limit: 15, want: 50, need: 1 })]);
    expect(first!.granted).toBe(4); // a quarter of what is left
    const [second] = await lease([bucket('u.m.need', { limit: 15, want: 50, need: 20 })]);
    expect(second).toMatchObject({ granted: 11, remaining: 0 });
  });

  it('refuses only a request that is not a list of buckets', async () => {
    await expect(callRpc(edge, RateLimitSubjects.lease, { buckets: 'nope' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });
});
