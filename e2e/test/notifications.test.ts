// The events nothing published before (issue 10, item 8), seen through the SDK over the whole system:
// an operation's initiator hears on `user:notifications` that it ended, and a resource's health checks
// reach a client subscribed to `resource:<id>:health`.
import { createApiClient, RealtimeClient } from '@idp/client';
import { type EventMessage, HealthCheckData, OperationNotificationData } from '@idp/contracts';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { adminToken, apiClient, type System, startSystem, waitForOperation } from './system.js';

let system: System;
let token: string;

beforeAll(async () => {
  system = await startSystem();
  token = await adminToken('acme');
});
afterAll(async () => system?.stop());

async function first(events: AsyncIterableIterator<EventMessage>, match: (e: EventMessage) => boolean) {
  for await (const ev of events) if (match(ev)) return ev;
  throw new Error('the event stream ended');
}

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)),
  ]);
}

describe('user:notifications', () => {
  it('tells the initiator of a deploy that it succeeded', async () => {
    const api = createApiClient({ baseUrl: system.baseUrl, token });
    const team = await api.teams.create<{ id: string }>({ body: { name: 'notified' } });
    const app = await api.applications.create<{ id: string }>({ body: { name: 'inbox', team_id: team.id } });
    await api.applications.desiredState.put({ params: { id: app.id }, body: { version: 'v1', replicas: 1 } });

    const rt = new RealtimeClient({ url: system.wsUrl, token, WebSocket: WebSocket as never });
    try {
      const notices = rt.events('user:notifications');
      await new Promise((r) => setTimeout(r, 300));
      const deploy = await api.applications.deploy<{ operation_id: string }>({
        params: { id: app.id },
        body: {},
      });
      const note = await bounded(
        first(notices, (e) => e.data.operation_id === deploy.operation_id),
        30_000,
        'notification',
      );
      expect(note).toMatchObject({
        topic: 'user:notifications',
        event: 'operation_completed',
        data: {
          operation_id: deploy.operation_id,
          type: 'deploy',
          application_id: app.id,
          status: 'succeeded',
        },
      });
      expect(Compile(OperationNotificationData).Check(note.data)).toBe(true);
    } finally {
      rt.close();
    }
  });
});

describe('resource health', () => {
  it('reaches a client subscribed to resource:<id>:health', async () => {
    // A second platform instance that checks every 300 ms and fails every check.
    system.env.IDP_HEALTH_CHECK_INTERVAL_MS = '300';
    system.env.IDP_HEALTH_CHECK_FAILURE_RATE = '1';
    await system.startService('platform', 'platform-health');
    const api = apiClient(system.baseUrl, token);
    const team = await api.post('/teams', { name: 'healthy' });
    const created = await api.post('/resources/databases', {
      name: 'orders',
      team_id: team.body.data.id,
      spec: { engine: 'postgres', size: 's', storage_gb: 10 },
    });
    expect(created.status).toBe(202);
    const op = await waitForOperation(api, created.body.data.operation_id);
    expect(op.status).toBe('succeeded');
    const resourceId = op.target.id as string;

    const rt = new RealtimeClient({ url: system.wsUrl, token, WebSocket: WebSocket as never });
    try {
      const ev = await bounded(
        first(rt.events(`resource:${resourceId}:health`), (e) => e.event === 'health_check_failed'),
        15_000,
        'health_check_failed',
      );
      expect(ev.data).toMatchObject({
        resource_id: resourceId,
        resource_type: 'database',
        health_status: 'unhealthy',
      });
      expect(Compile(HealthCheckData).Check(ev.data)).toBe(true);
    } finally {
      rt.close();
    }
  });
});

describe('least privilege on NATS', () => {
  it('needed no subject beyond each service’s own permissions', () => {
    expect(system.nats.permissionViolations()).toEqual([]);
  });
});
