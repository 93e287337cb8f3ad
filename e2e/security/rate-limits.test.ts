// Findings 4-7 (issue 9) against the whole system, replayed as reported:
// 4. `POST /api/v1/%61pplications` was admitted while `/applications` was at 429 (limits matched the
//    raw URL, the router the decoded path);
// 5. 379 bad tokens (each an auth round trip) spent the global limit and a valid admin of another
//    tenant got 429;
// 6. a counter key over 256 characters made the ratelimit service refuse the whole lease batch, and
//    the edge took it for an outage;
// 7. 25 concurrent first requests on per_user 15/min admitted 12-13, and some 429s named
//    `"global";r=59987`.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcSubjects } from '@idp/contracts';
import { mintToken } from '@idp/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, adminToken, apiClient, type System, startSystem } from '../test/system.js';

const RATE_LIMITS = `rate_limits:
  global:
    requests_per_minute: 400
  per_user:
    requests_per_minute: 15
  unauthenticated:
    requests_per_minute: 50
  by_endpoint:
    POST /api/v1/applications:
      requests_per_hour: 3
  # A counter wrongly taken for an outage shows as a 503, never as an admission.
  on_unavailable: deny
`;

let system: System;
let dir: string;
let observer: NatsConnection;
let authRequests = 0;

/** The shipped config with the rate limits of the findings. */
async function configWithLimits(): Promise<string> {
  const shipped = await readFile(new URL('../../config/gateway.yaml', import.meta.url), 'utf8');
  const replaced = shipped.replace(/^rate_limits:\n(?:[ \t].*\n|\n)*/m, `${RATE_LIMITS}\n`);
  expect(replaced).not.toBe(shipped);
  dir = await mkdtemp(join(tmpdir(), 'idp-rate-limits-'));
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, replaced);
  return file;
}

beforeAll(async () => {
  system = await startSystem({ stageMs: 20 });
  // The ratelimit service owns the limits and the edge validates its own copy: restart both on them.
  system.env.IDP_CONFIG = await configWithLimits();
  for (const name of ['ratelimit', 'edge']) {
    await system.services[name]!.stop();
    await system.startService(name);
  }
  observer = await connect(system.nats.clientOptions('test'));
  observer.subscribe(RpcSubjects.authenticate, {
    callback: () => {
      authRequests++;
    },
  });
  await observer.flush();
}, 180_000);
afterAll(async () => {
  await observer?.close();
  await system?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const statuses = (responses: ApiResponse[]) => {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
};

function expectRefusedBy(res: ApiResponse, policy: string, limit: number, window: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('ratelimit-policy')).toBe(`"${policy}";q=${limit};w=${window}`);
  const retry = Number(res.headers.get('retry-after'));
  expect(res.headers.get('ratelimit')).toBe(`"${policy}";r=0;t=${retry}`);
  expect(res.body).toMatchObject({
    success: false,
    error: { code: 'RATE_LIMIT_EXCEEDED' },
    meta: { retry_after: retry, limit, remaining: 0, reset: expect.stringMatching(/Z$/) },
  });
}

describe('rate limits under attack', () => {
  it('counts a percent-encoded path toward the endpoint limit of the route it reaches (finding 4)', async () => {
    const api = apiClient(system.baseUrl, await adminToken('enc'));
    const team = (await api.post('/teams', { name: 'enc-team' })).body.data.id;
    const create = (path: string, i: number) => api.post(path, { name: `app-${i}`, team_id: team });
    for (let i = 0; i < 3; i++) expect((await create('/applications', i)).status).toBe(201);
    expectRefusedBy(await create('/%61pplications', 3), 'by_endpoint', 3, 3600);
    expectRefusedBy(await create('/%61%70plications', 4), 'by_endpoint', 3, 3600);
  });

  it('does not let a flood of bad tokens spend global or cost an auth round trip each (finding 5)', async () => {
    const before = authRequests;
    const bad = apiClient(system.baseUrl, 'not-a-token');
    const flood: ApiResponse[] = [];
    for (let i = 0; i < 450; i++) flood.push(await bad.get('/applications'));
    expect(statuses(flood)).toEqual({ 401: 50, 429: 400 });
    expectRefusedBy(flood.at(-1)!, 'unauthenticated', 50, 60);
    expect(authRequests - before).toBe(1);
    const admin = apiClient(system.baseUrl, await adminToken('bystander'));
    expect((await admin.get('/applications')).status).toBe(200);
  });

  it('serves long, non-ASCII identities from the shared counters, not as an outage (finding 6)', async () => {
    const odd = apiClient(system.baseUrl, await mintToken({ sub: 'é'.repeat(128), tenant: 'unicode' }));
    const first = await odd.get('/applications');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"per_user";q=15;w=60');
    const neighbour = apiClient(system.baseUrl, await adminToken('unicode', 'neighbour'));
    expect((await neighbour.get('/applications')).status).toBe(200);
  });

  it('admits exactly 15 of 25 concurrent first requests, each 429 naming per_user with r=0 (finding 7)', async () => {
    const api = apiClient(system.baseUrl, await adminToken('burst'));
    const burst = await Promise.all(Array.from({ length: 25 }, () => api.get('/applications')));
    expect(statuses(burst)).toEqual({ 200: 15, 429: 10 });
    for (const refused of burst.filter((r) => r.status === 429)) expectRefusedBy(refused, 'per_user', 15, 60);
  });
});
