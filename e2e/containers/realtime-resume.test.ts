// Real-time events over the containers, and the resume a client does when the realtime container dies
// under it: after `podman kill` and `podman start`, the SDK reconnects and continues from its last seq,
// so it ends with every event of the deploy exactly once and in stream order.
import { createApiClient, RealtimeClient } from '@idp/client';
import type { EventMessage } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { containerToken, podman, runningSystem, unique } from './running-system.js';

const system = runningSystem();
const DONE = ['operation_completed', 'operation_failed'];

describe('realtime resume across a killed realtime container', () => {
  it('delivers every event of a deploy once, in order, after the client reconnects', async () => {
    const token = await containerToken(system, 'acme');
    const api = createApiClient({ baseUrl: system.baseUrl, token });
    const team = await api.teams.create<{ id: string }>({ body: { name: unique('rt') } });
    const app = await api.applications.create<{ id: string }>({
      body: { name: unique('resumer'), team_id: team.id },
    });
    await api.applications.desiredState.put({ params: { id: app.id }, body: { version: 'v1', replicas: 1 } });
    const deploy = await api.applications.deploy<{ operation_id: string }>({
      params: { id: app.id },
      body: {},
    });

    const rt = new RealtimeClient({
      url: system.wsUrl,
      token,
      WebSocket: WebSocket as never,
      // Bounded: the iterator fails after 40 refused reconnects instead of waiting for ever.
      backoff: { initialMs: 200, maxMs: 1_000, maxAttempts: 40 },
    });
    const events: EventMessage[] = [];
    let killed = false;
    for await (const ev of rt.events(`operation:${deploy.operation_id}:progress`, { since: 0 })) {
      events.push(ev);
      if (!killed) {
        // After the first event: the client now has a position to resume from.
        killed = true;
        await podman('kill', system.containers.realtime!);
        await podman('wait', system.containers.realtime!);
        await podman('start', system.containers.realtime!);
      }
      if (DONE.includes(ev.event)) break;
    }
    rt.close();

    expect(rt.connections).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)?.event).toBe('operation_completed');
    const seqs = events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // The same topic read afresh from the start: what the resumed client got is all there is.
    const replay = new RealtimeClient({ url: system.wsUrl, token, WebSocket: WebSocket as never });
    const all: number[] = [];
    for await (const ev of replay.events(`operation:${deploy.operation_id}:progress`, { since: 0 })) {
      all.push(ev.seq);
      if (DONE.includes(ev.event)) break;
    }
    replay.close();
    expect(seqs).toEqual(all);
  });
});
