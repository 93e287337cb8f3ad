// A rolling restart of the whole system under load (issue 10, item 7; design.md §10): two instances
// of every service. Each service rolls as a Kubernetes Deployment does, one instance at a time: SIGTERM,
// wait for the exit, start a replacement, wait until it is ready, then the other instance; the five
// services roll at the same time (as `kubectl rollout restart` of every Deployment would), which is
// both harder on the system and what keeps the test short. Meanwhile REST workers read, write and
// deploy through a readiness-aware balancer over both edges, and WebSocket clients follow the
// applications' events through both realtime instances. Nothing may fail: no REST request, no event
// lost or delivered twice, no operation failed by a restart.
import { EventSubjects } from '@idp/contracts';
import { freePort } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadinessBalancer } from '../test/rolling/load-balancer.js';
import { RestLoad } from '../test/rolling/rest-load.js';
import { streamSeqs } from '../test/rolling/stream-truth.js';
import { RecordingSubscriber } from '../test/rolling/ws-recorder.js';
import { adminToken, apiClient, type System, startSystem, waitForOperation } from '../test/system.js';

const TENANT = 'rolling';
const SERVICES = ['auth', 'ratelimit', 'platform', 'realtime', 'edge'] as const;
const WORKERS = 3;
const SUBSCRIBERS = 4;

/**
 * The stop's bound outlasts an in-flight request's longest wait (backend_timeout_ms, 5 s in
 * config/gateway.yaml), as k8s/'s 15 s does: a request that started before the SIGTERM may still need
 * all of it. The test's SIGKILL comes only after the service's own bound (delay + timeout) has passed.
 */
const SHUTDOWN_DELAY_MS = 400;
const SHUTDOWN_TIMEOUT_MS = 8_000;
const STOP_GRACE_MS = SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS + 2_000;

let system: System;
/** Each instance's own environment (the second edge's and realtime's ports), reused by its replacement. */
const ownEnv: Record<string, Record<string, string>> = {};
let edges: ReadinessBalancer;
let realtimes: ReadinessBalancer;

beforeAll(async () => {
  system = await startSystem({
    probePorts: true,
    stageMs: 100,
    // Small, as a test can afford: balancers here poll every 100 ms (k8s/ sets seconds).
    env: {
      IDP_SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
      IDP_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    },
  });
  ownEnv['edge-b'] = { IDP_HTTP_PORT: String(await freePort()) };
  ownEnv['realtime-b'] = { IDP_WS_PORT: String(await freePort()) };
  await Promise.all(['auth', 'ratelimit', 'platform'].map((s) => system.startService(s, `${s}-b`)));
  await Promise.all([
    system.startService('realtime', 'realtime-b', ownEnv['realtime-b']),
    system.startService('edge', 'edge-b', ownEnv['edge-b']),
  ]);
  const probe = (instance: string) => () =>
    system.probeUrls[instance] && `${system.probeUrls[instance]}/readyz`;
  edges = new ReadinessBalancer([
    { url: system.baseUrl, readyUrl: probe('edge') },
    { url: `http://127.0.0.1:${ownEnv['edge-b'].IDP_HTTP_PORT}`, readyUrl: probe('edge-b') },
  ]);
  // Realtime's own /readyz, which is what the Kubernetes probe asks (k8s/realtime.yaml).
  const wsPorts = [system.env.IDP_WS_PORT, ownEnv['realtime-b'].IDP_WS_PORT];
  realtimes = new ReadinessBalancer(
    wsPorts.map((port) => ({
      url: `ws://127.0.0.1:${port}/ws/v1`,
      readyUrl: () => `http://127.0.0.1:${port}/readyz`,
    })),
  );
  await Promise.all([edges.start(), realtimes.start()]);
}, 180_000);

afterAll(async () => {
  edges?.stop();
  realtimes?.stop();
  await system?.stop();
});

/** SIGTERM, wait for the exit, start a replacement and wait until it is ready; the shutdown log says how it went. */
async function roll(service: string, instance: string): Promise<string[]> {
  const old = system.services[instance]!;
  await old.stop(STOP_GRACE_MS);
  const output = old.output();
  const problems: string[] = [];
  // The last lines say why, in the failure itself: CI keeps no other trace of the instance.
  const lastLines = () => output.trimEnd().split('\n').slice(-8).join('\n');
  if (!/"msg":"stopped"/.test(output)) problems.push(`${instance} did not stop gracefully:\n${lastLines()}`);
  if (/shutdown took too long/.test(output))
    problems.push(`${instance} hit its shutdown timeout:\n${lastLines()}`);
  await system.startService(service, instance, ownEnv[instance]);
  return problems;
}

describe('rolling restart of every service under load', () => {
  it('fails no request and loses or repeats no event', async () => {
    const admin = apiClient(system.baseUrl, await adminToken(TENANT));
    const team = await admin.post('/teams', { name: 'rolling' });
    expect(team.status).toBe(201);
    const workers: { token: string; appId: string; teamId: string }[] = [];
    for (let i = 0; i < WORKERS; i++) {
      const app = await admin.post('/applications', { name: `app-${i}`, team_id: team.body.data.id });
      expect(app.status).toBe(201);
      const token = await adminToken(TENANT, `rolling-user-${i}`);
      workers.push({ token, appId: app.body.data.id as string, teamId: team.body.data.id as string });
    }
    const topics = workers.map((w) => `application:${w.appId}:status`);
    const subscribers = Array.from(
      { length: SUBSCRIBERS },
      () => new RecordingSubscriber(realtimes, workers[0]!.token, topics),
    );
    await Promise.all(subscribers.map((s) => s.start()));

    const load = new RestLoad(edges, workers);
    load.start();
    const rolled = await Promise.all(
      SERVICES.map(async (service) => [
        ...(await roll(service, service)),
        ...(await roll(service, `${service}-b`)),
      ]),
    );
    await load.stop();
    const shutdownProblems = rolled.flat();

    expect(load.failures).toEqual([]);
    expect(shutdownProblems).toEqual([]);
    expect(load.requests).toBeGreaterThan(200);
    expect(load.operations.length).toBeGreaterThan(WORKERS);
    const ends = await Promise.all(load.operations.map((id) => waitForOperation(admin, id, 20_000)));
    expect(ends.filter((op) => op.status !== 'succeeded').map((op) => [op.id, op.status, op.error])).toEqual(
      [],
    );

    // The stream is the truth: every subscriber got exactly its events, in order, once each.
    const truth = new Map<string, number[]>();
    for (const [i, topic] of topics.entries())
      truth.set(topic, await streamSeqs(system.nats, EventSubjects.application(TENANT, workers[i]!.appId)));
    const caughtUp = Date.now() + 10_000;
    while (
      Date.now() < caughtUp &&
      subscribers.some((s) => topics.some((t) => s.lastSeqOf(t) < (truth.get(t)!.at(-1) ?? 0)))
    )
      await new Promise((resolve) => setTimeout(resolve, 100));
    for (const subscriber of subscribers) {
      subscriber.close();
      expect(subscriber.problems).toEqual([]);
      for (const topic of topics) expect(subscriber.received.get(topic)).toEqual(truth.get(topic));
    }
    // Both realtime instances were restarted: every client was moved (with a reconnect code, or it would
    // have a problem above) and resumed elsewhere.
    for (const subscriber of subscribers) expect(subscriber.moves).toBeGreaterThanOrEqual(1);
    expect(system.nats.permissionViolations()).toEqual([]);
  });
});
