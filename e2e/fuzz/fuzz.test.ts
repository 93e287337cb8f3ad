// Property-based fuzzing of the whole system (issue 9): generated bodies, query strings, headers and
// credentials to every write endpoint of the route table, and generated frames to /ws/v1 before and
// after a valid auth frame. Every answer must be the contract's (no 5xx, the error envelope with an
// UPPER_SNAKE code whose status is the response's; protocol frames and documented close codes), no
// process may exit or log an error that escaped its handlers, and the system must still serve a
// normal create and read afterwards. IDP_FUZZ_RUNS sets the size (default 10,000 of each),
// IDP_FUZZ_SEED replays a run.
import { mintToken } from '@idp/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type ApiClient,
  adminToken,
  apiClient,
  type System,
  startSystem,
  waitForOperation,
} from '../test/system.js';
import { Findings, processProblems } from './checks.js';
import { type RawCounts, rawInput, sendRaw } from './raw-http.js';
import { type KnownIds, restInput, WRITE_ROUTES } from './rest-inputs.js';
import { type CredentialHeaders, type RestCounts, sendRest } from './rest-runner.js';
import {
  FUZZ_RUNS,
  FUZZ_SEED,
  REST_CONCURRENCY,
  testTimeoutMs,
  WS_BATCH,
  WS_LANES,
  writeFuzzConfig,
} from './settings.js';
import { type Frame, frame, type KnownTopics } from './ws-inputs.js';
import { type WsCounts, WsLane } from './ws-lane.js';

const TENANT = 'fuzz';
const MAX_FRAME_BYTES = 16_384;
const PROCESS_CHECK_EVERY = 20;

let system: System;
let api: ApiClient;
let credentials: CredentialHeaders;
let valid: string;
let otherUser: string;
const known: KnownIds = {};
const topics: KnownTopics = [];

/** Real objects of every kind, so generated paths and topics reach past "not found". */
async function seedObjects(): Promise<void> {
  const team = (await api.post('/teams', { name: 'fuzz-team' })).body.data.id;
  const app = (await api.post('/applications', { name: 'fuzz-app', team_id: team })).body.data.id;
  await api.put(`/applications/${app}/desired-state`, { version: 'v1', replicas: 1 });
  const op = (await api.post(`/applications/${app}/deploy`, {})).body.data.operation_id;
  await waitForOperation(api, op);
  const db = (
    await api.post('/resources/databases', {
      name: 'fuzz-db',
      team_id: team,
      spec: { engine: 'postgres', version: '16', size: 'small', storage_gb: 10 },
    })
  ).body.data;
  const key = (
    await api.post('/api-keys', { name: 'fuzz-key', roles: [{ role: 'viewer', scope: `team:${team}` }] })
  ).body.data;
  const account = (
    await api.post('/service-accounts', {
      name: 'fuzz-bot',
      roles: [{ role: 'viewer', scope: `team:${team}` }],
    })
  ).body.data.id;
  const issued = (await api.post(`/service-accounts/${account}/tokens`, {})).body.data;
  const resourceId = db?.resource_id ?? db?.id;
  Object.assign(known, {
    id: [team, app, op, resourceId, key?.id, account].filter(Boolean),
    type: ['databases'],
    token_id: [issued?.token_id].filter(Boolean),
  });
  topics.push(`application:${app}:status`, `operation:${op}:progress`);
  if (resourceId) topics.push(`resource:${resourceId}:status`);
  credentials = {
    admin: { authorization: `Bearer ${valid}` },
    viewer: {
      authorization: `Bearer ${await mintToken({ sub: 'fuzz-viewer', tenant: TENANT, roles: [{ role: 'viewer', scope: `tenant:${TENANT}` }] })}`,
    },
    'team-viewer': {
      authorization: `Bearer ${await mintToken({ sub: 'fuzz-team', tenant: TENANT, roles: [{ role: 'developer', scope: `team:${team}` }] })}`,
    },
    'other-tenant': { authorization: `Bearer ${await adminToken('fuzz-other')}` },
    none: {},
    garbage: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
    'api-key': { 'x-api-key': key?.key ?? 'idp_garbage' },
  };
}

beforeAll(async () => {
  const config = await writeFuzzConfig(new URL('../../config/gateway.yaml', import.meta.url).pathname);
  system = await startSystem({ stageMs: 10, configPath: config });
  valid = await adminToken(TENANT);
  otherUser = await adminToken(TENANT, 'someone-else');
  api = apiClient(system.baseUrl, valid);
  await seedObjects();
  console.info(`fuzz: IDP_FUZZ_RUNS=${FUZZ_RUNS} IDP_FUZZ_SEED=${FUZZ_SEED}`);
}, 120_000);
afterAll(async () => system?.stop());

function expectClean(findings: Findings): void {
  const problems = processProblems(system);
  expect(problems, problems.join('\n')).toEqual([]);
  expect(findings.total, findings.report()).toBe(0);
}

describe('fuzzing every write endpoint', () => {
  it(
    `answers ${FUZZ_RUNS} generated requests in the contract, without a 5xx or a crash`,
    async () => {
      const findings = new Findings();
      const counts: RestCounts = { sent: 0, byStatus: {}, refusedBy: {}, slowest: [] };
      const started = Date.now();
      let batches = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(restInput(known), { minLength: REST_CONCURRENCY, maxLength: REST_CONCURRENCY }),
          async (batch) => {
            await Promise.all(
              batch.map((input) => sendRest(system.baseUrl, input, credentials, findings, counts)),
            );
            if (++batches % PROCESS_CHECK_EVERY === 0) expect(processProblems(system)).toEqual([]);
          },
        ),
        { numRuns: Math.ceil(FUZZ_RUNS / REST_CONCURRENCY), seed: FUZZ_SEED, endOnFailure: true },
      );
      const seconds = (Date.now() - started) / 1000;
      console.info(
        `fuzz rest: ${counts.sent} requests to ${WRITE_ROUTES.length} write endpoints in ${seconds.toFixed(1)} s; ` +
          `statuses ${JSON.stringify(counts.byStatus)}; 429 by ${JSON.stringify(counts.refusedBy)}; slowest ${counts.slowest
            .map(
              (s) =>
                `${s.ms} ms ${s.status} ${s.input.method} ${s.input.url.slice(0, 60)} (${s.input.credential})`,
            )
            .join('; ')}`,
      );
      expect(counts.sent).toBeGreaterThanOrEqual(FUZZ_RUNS * 0.99);
      expectClean(findings);
    },
    testTimeoutMs(FUZZ_RUNS),
  );
});

describe('fuzzing the HTTP framing', () => {
  const runs = Math.ceil(FUZZ_RUNS / 10);
  it(
    `answers ${runs} malformed HTTP requests in the envelope, or not at all when they are incomplete`,
    async () => {
      const findings = new Findings();
      const counts: RawCounts = { sent: 0, answered: 0, unanswered: 0, byStatus: {} };
      const port = Number(new URL(system.baseUrl).port);
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(
          fc.array(rawInput(valid, known.id?.[1] ?? 'app_x'), {
            minLength: REST_CONCURRENCY,
            maxLength: REST_CONCURRENCY,
          }),
          async (batch) => {
            await Promise.all(batch.map((input) => sendRaw(port, input, findings, counts)));
          },
        ),
        { numRuns: Math.ceil(runs / REST_CONCURRENCY), seed: FUZZ_SEED, endOnFailure: true },
      );
      console.info(
        `fuzz raw http: ${counts.sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
          `${counts.answered} answered, ${counts.unanswered} incomplete; statuses ${JSON.stringify(counts.byStatus)}`,
      );
      expect(counts.sent).toBeGreaterThanOrEqual(runs);
      expectClean(findings);
    },
    testTimeoutMs(runs * 3),
  );
});

describe('fuzzing /ws/v1', () => {
  async function fuzzFrames(target: number, authenticate: boolean, counts: WsCounts, findings: Findings) {
    const lanes = Array.from(
      { length: WS_LANES },
      () => new WsLane(system.wsUrl, { valid, otherUser }, findings, counts),
    );
    const batch = authenticate ? WS_BATCH : 5;
    const start = counts.sent;
    // Frames after the server closed a connection are not sent: go on until the target is reached.
    for (let pass = 0; counts.sent - start < target && pass < 20; pass++) {
      const runs = Math.ceil((target - (counts.sent - start)) / (WS_LANES * batch));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(frame(topics, MAX_FRAME_BYTES), { minLength: batch, maxLength: batch }), {
            minLength: WS_LANES,
            maxLength: WS_LANES,
          }),
          async (perLane: Frame[][]) => {
            await Promise.all(lanes.map((lane, i) => lane.run(perLane[i]!, authenticate)));
          },
        ),
        { numRuns: runs, seed: FUZZ_SEED + pass, endOnFailure: true },
      );
    }
    for (const lane of lanes) lane.close();
    return counts.sent - start;
  }

  it(
    `answers ${FUZZ_RUNS} generated frames after authentication and ${FUZZ_RUNS / 4} before it in the protocol`,
    async () => {
      const findings = new Findings();
      const counts: WsCounts = { sent: 0, received: 0, connections: 0, closes: {} };
      const started = Date.now();
      const after = await fuzzFrames(FUZZ_RUNS, true, counts, findings);
      const before = await fuzzFrames(Math.ceil(FUZZ_RUNS / 4), false, counts, findings);
      const seconds = (Date.now() - started) / 1000;
      console.info(
        `fuzz ws: ${after} frames after auth, ${before} before, ${counts.received} received over ` +
          `${counts.connections} connections in ${seconds.toFixed(1)} s; closes ${JSON.stringify(counts.closes)}`,
      );
      expect(after).toBeGreaterThanOrEqual(FUZZ_RUNS);
      expect(before).toBeGreaterThanOrEqual(FUZZ_RUNS / 4);
      expectClean(findings);
    },
    testTimeoutMs(FUZZ_RUNS * 1.25),
  );
});

describe('afterwards', () => {
  it('still serves a normal create and read, and a WebSocket session', async () => {
    const fresh = apiClient(system.baseUrl, await adminToken('after-fuzz'));
    const team = await fresh.post('/teams', { name: 'after' });
    expect(team.status).toBe(201);
    const app = await fresh.post('/applications', { name: 'after-app', team_id: team.body.data.id });
    expect(app.status).toBe(201);
    const read = await fresh.get(`/applications/${app.body.data.id}`);
    expect(read.status).toBe(200);
    expect(read.body.data.name).toBe('after-app');

    const ws = new WebSocket(system.wsUrl);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const pong = new Promise<string>((resolve) => ws.on('message', (data) => resolve(data.toString())));
    ws.send(JSON.stringify({ type: 'auth', token: await adminToken('after-fuzz') }));
    ws.send('{"type":"ping"}');
    expect(JSON.parse(await pong)).toEqual({ type: 'pong' });
    ws.close();
    expect(processProblems(system)).toEqual([]);
  });
});
