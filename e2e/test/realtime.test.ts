// A real deploy seen through the SDK: the spec's §4.3 events (deployment_started, status changes,
// progress_updated up to operation_completed) reach a subscribed client, in stream order, over the
// whole system (auth, platform, realtime, edge as processes).
import { createApiClient, RealtimeClient } from '@idp/client';
import { DeploymentStartedData, type EventMessage, ProgressUpdatedData } from '@idp/contracts';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { adminToken, type System, startSystem } from './system.js';

let system: System;
let token: string;

beforeAll(async () => {
  system = await startSystem();
  token = await adminToken('acme');
});
afterAll(async () => system?.stop());

async function until(
  events: AsyncIterableIterator<EventMessage>,
  into: EventMessage[],
  last: (e: EventMessage) => boolean,
) {
  for await (const ev of events) {
    into.push(ev);
    if (last(ev)) break;
  }
}

describe('real-time events of a deploy', () => {
  it('reach a subscribed client through the SDK', async () => {
    const api = createApiClient({ baseUrl: system.baseUrl, token });
    const team = await api.teams.create<{ id: string }>({ body: { name: 'web' } });
    const app = await api.applications.create<{ id: string }>({
      body: { name: 'storefront', team_id: team.id },
    });
    await api.applications.desiredState.put({
      params: { id: app.id },
      body: { version: 'v1.0.0', replicas: 2 },
    });

    const rt = new RealtimeClient({ url: system.wsUrl, token, WebSocket: WebSocket as never });
    const appEvents: EventMessage[] = [];
    const appDone = until(
      rt.events(`application:${app.id}:status`),
      appEvents,
      (e) => e.event.startsWith('deployment_') && e.event !== 'deployment_started',
    );
    // Give the subscription a moment so the deploy's first events are live, not replayed.
    await new Promise((r) => setTimeout(r, 300));

    const deploy = await api.applications.deploy<{ operation_id: string }>({
      params: { id: app.id },
      body: {},
    });
    // Subscribing after the deploy started: `since: 0` replays what was already published.
    const opEvents: EventMessage[] = [];
    await until(rt.events(`operation:${deploy.operation_id}:progress`, { since: 0 }), opEvents, (e) =>
      ['operation_completed', 'operation_failed'].includes(e.event),
    );
    await appDone;
    rt.close();

    const started = appEvents.find((e) => e.event === 'deployment_started');
    expect(started).toBeDefined();
    expect(Compile(DeploymentStartedData).Check(started!.data)).toBe(true);
    expect(appEvents.at(-1)!.event).toBe('deployment_completed');
    const progress = opEvents.filter((e) => e.event === 'progress_updated');
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress)
      expect(Compile(ProgressUpdatedData).Check(p.data), JSON.stringify(p.data)).toBe(true);
    expect(opEvents.at(-1)!.event).toBe('operation_completed');
    for (const list of [appEvents, opEvents]) {
      const seqs = list.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
  });
});

describe('least privilege on NATS', () => {
  // Every service runs as its own NATS user (design.md §9): the walk above must need nothing more.
  it('needed no subject beyond each service’s own permissions', () => {
    expect(system.nats.permissionViolations()).toEqual([]);
  });
});
