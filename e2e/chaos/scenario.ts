// One fault under load, start to finish: a fresh tenant with its workers' applications, WebSocket
// clients on the applications' topics and on the deploys' operation topics (over both realtime
// instances), steady REST load and a rate-limit probe through both edges; then the fault, the wait
// until writes succeed steadily again, and the measurements. The checks run on what it returns.

import { RestLoad } from '../test/rolling/rest-load.js';
import { RecordingSubscriber } from '../test/rolling/ws-recorder.js';
import { type ApiClient, adminToken, apiClient } from '../test/system.js';
import type { Fault, FaultOutcome } from './faults.js';
import type { ChaosFixture } from './fixture.js';
import { measure, recoveredAt, type ScenarioNumbers, type Timeline } from './measure.js';
import { RateProbe } from './rate-probe.js';

const WORKERS = 3;
const APP_SUBSCRIBERS = 4;
const OPERATION_FOLLOWERS = 2;
/** Operation topics per follower: its resubscribes after a move stay within realtime's message burst. */
const MAX_FOLLOWED_OPERATIONS = 12;
const WARM_UP_MS = 5_000;
/** After the heal: writes must have succeeded steadily for this long (bounded by MAX_RECOVERY_MS). */
const STEADY_MS = 5_000;
const MAX_RECOVERY_MS = 45_000;

export interface ScenarioRun {
  tenant: string;
  admin: ApiClient;
  load: RestLoad;
  probe: RateProbe;
  subscribers: RecordingSubscriber[];
  outcome: FaultOutcome;
  timeline: Timeline;
  numbers: ScenarioNumbers;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runScenario(
  fixture: ChaosFixture,
  name: string,
  tenant: string,
  fault: Fault,
): Promise<ScenarioRun> {
  const admin = apiClient(await fixture.edges.pick(), await adminToken(tenant));
  const workers = await createWorkers(admin, tenant);
  const appTopics = workers.map((w) => `application:${w.appId}:status`);
  const token = workers[0]!.token;
  const subscribers = Array.from(
    { length: APP_SUBSCRIBERS },
    () => new RecordingSubscriber(fixture.realtimes, token, appTopics),
  );
  const followers = Array.from(
    { length: OPERATION_FOLLOWERS },
    () => new RecordingSubscriber(fixture.realtimes, token, []),
  );
  await Promise.all([...subscribers, ...followers].map((s) => s.start()));
  let followed = 0;
  const load = new RestLoad(fixture.edges, workers, {
    onOperation: (id) => {
      const follower = followers[followed++ % OPERATION_FOLLOWERS]!;
      if (follower.received.size < MAX_FOLLOWED_OPERATIONS) follower.follow(`operation:${id}:progress`);
    },
  });
  const probe = new RateProbe(fixture.edges, await adminToken(`${tenant}-tight`));
  load.start();
  probe.start();
  await sleep(WARM_UP_MS);
  const faultAt = Date.now();
  let healAt = faultAt;
  let outcome: FaultOutcome;
  try {
    outcome = await fault(fixture.system);
  } finally {
    healAt = Date.now();
    await waitForSteadyWrites(load, { faultAt, healAt });
    await Promise.all([load.stop(), probe.stop()]);
  }
  const timeline = { faultAt, healAt };
  const numbers = measure(name, outcome.detail, load.calls, timeline, load.operations.length);
  return {
    tenant,
    admin,
    load,
    probe,
    subscribers: [...subscribers, ...followers],
    outcome,
    timeline,
    numbers,
  };
}

async function createWorkers(admin: ApiClient, tenant: string) {
  const team = await admin.post('/teams', { name: `${tenant}-team` });
  if (team.status !== 201)
    throw new Error(`creating a team answered ${team.status}: ${JSON.stringify(team.body)}`);
  const workers: { token: string; appId: string; teamId: string }[] = [];
  for (let i = 0; i < WORKERS; i++) {
    const app = await admin.post('/applications', { name: `app-${i}`, team_id: team.body.data.id });
    if (app.status !== 201) throw new Error(`creating an application answered ${app.status}`);
    const token = await adminToken(tenant, `${tenant}-user-${i}`);
    workers.push({ token, appId: app.body.data.id as string, teamId: team.body.data.id as string });
  }
  return workers;
}

/** Until the writes started after the heal have all succeeded for STEADY_MS (bounded). */
async function waitForSteadyWrites(load: RestLoad, timeline: Timeline): Promise<void> {
  const deadline = Date.now() + MAX_RECOVERY_MS;
  while (Date.now() < deadline) {
    const recovered = recoveredAt(load.calls, timeline);
    if (Number.isFinite(recovered) && Date.now() - Math.max(recovered, timeline.healAt) >= STEADY_MS) return;
    await sleep(250);
  }
}
