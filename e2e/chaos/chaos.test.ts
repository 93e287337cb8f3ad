// Chaos under load on the production shape (issue 11, item 3): a 3-node JetStream cluster with R3
// streams, two instances of every service, steady REST writes and reads through both edges, deploys
// in flight, WebSocket clients with resume over both realtime instances and a tenant over its rate
// limit. Four faults in sequence, each on its own tenant; after each: every acknowledged write is
// readable, every operation succeeded, every client got every event once and in order, the rate
// limit held within its documented bound, and the only errors clients saw were the contract's 503/504
// (or a killed edge's cut connection). The error rate and recovery time of each are printed and kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIGHT_LIMIT_PER_HOUR } from './chaos-config.js';
import { rateLimitProblems, restAnswerProblems, unfinishedOperations, unreadableWrites } from './checks.js';
import { eventProblems } from './event-checks.js';
import {
  type Fault,
  freezeNode,
  killEventStoreLeader,
  killOneInstanceOfEach,
  rollingNatsRestart,
  waitCaughtUp,
} from './faults.js';
import { type ChaosFixture, type SCENARIO_TENANTS, startChaosFixture } from './fixture.js';
import { keepLogs } from './logs.js';
import { report } from './measure.js';
import { admissionBound } from './rate-probe.js';
import { runScenario } from './scenario.js';

let fixture: ChaosFixture;

/** The first problems of a long list and how many more: a storm of one error reads as one. */
const firstOf = (problems: string[], shown = 12) =>
  problems.length > shown ? [...problems.slice(0, shown), `… and ${problems.length - shown} more`] : problems;

/** A check with a time bound, so a hung one fails by name instead of timing the whole test out. */
async function bounded<T>(what: string, ms: number, check: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the ${what} check took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([check(), expired]);
  } finally {
    clearTimeout(timer);
    console.log(`chaos check ${what}: ${Date.now() - started} ms`);
  }
}

beforeAll(async () => {
  fixture = await startChaosFixture();
}, 240_000);

afterAll(async () => {
  await fixture?.stop();
});

const scenarios: [string, (typeof SCENARIO_TENANTS)[number], Fault][] = [
  ['kill -9 of the event store leader', 'chaos-a', killEventStoreLeader],
  ['a nats-server frozen for 10 s', 'chaos-b', freezeNode],
  ['kill -9 of one instance of each service', 'chaos-c', killOneInstanceOfEach],
  ['a rolling restart of the three nats-servers', 'chaos-d', rollingNatsRestart],
];

describe('chaos under load on a 3-node cluster', () => {
  it.each(scenarios)(
    '%s: loses no write, event or operation and holds the rate limit',
    async (name, tenant, fault) => {
      const { system } = fixture;
      // Each scenario starts on a whole cluster: the previous one's node back and caught up.
      for (const node of system.nats.nodes) await waitCaughtUp(system.nats, node);

      const violationsBefore = system.nats.permissionViolations().length;
      const run = await runScenario(fixture, name, tenant, fault);

      const killedEdges = run.outcome.killed
        .filter((i) => i.startsWith('edge-'))
        .map((i) => system.edgeUrls[i]!);
      const edgeProcesses = Object.keys(system.edgeUrls).length + killedEdges.length;
      const bound = admissionBound(TIGHT_LIMIT_PER_HOUR, fixture.localFallbackShare, edgeProcesses);
      const { admitted, answers } = run.probe;
      const refused = run.probe.refused.length;
      await report({
        ...run.numbers,
        rate_limit: { admitted, refused, other: answers.length - admitted - refused, bound },
      });
      const problems = {
        answers: firstOf(restAnswerProblems(run.load.calls, killedEdges)),
        writes: await bounded('writes', 45_000, () => unreadableWrites(run.admin, run.load.writes)),
        // Before the events: an operation still running would publish after the stream was read.
        operations: await bounded('operations', 70_000, () =>
          unfinishedOperations(run.admin, run.load.operations),
        ),
        events: await bounded('events', 60_000, () =>
          eventProblems(system.nats, run.tenant, run.subscribers),
        ),
        rateLimit: firstOf(rateLimitProblems(run.probe.answers, bound, killedEdges)),
        // Zero trust holds through the fault: no service was refused anything by the servers.
        permissions: system.nats.permissionViolations().slice(violationsBefore),
      };
      if (Object.values(problems).some((found) => found.length > 0))
        console.log(`chaos ${name}: failed; every instance's output is in ${await keepLogs(system, name)}`);
      expect(problems).toEqual({
        answers: [],
        writes: [],
        operations: [],
        events: [],
        rateLimit: [],
        permissions: [],
      });
      expect(run.load.requests).toBeGreaterThan(100);
      expect(run.load.operations.length).toBeGreaterThan(3);
    },
    // A fault, the recovery (waitCaughtUp allows 90 s per node) and the bounded checks.
    420_000,
  );
});
