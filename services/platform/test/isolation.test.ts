// Tenant isolation: another tenant's objects answer 404 and never show up in lists.

import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformHandle } from '../src/platform.js';
import { principal, seedApp, startTestPlatform, TestClient } from '../src/test-support/harness.js';

let nats: NatsServerHandle;
let platform: PlatformHandle;
let alice: TestClient;
let mallory: TestClient;

beforeAll(async () => {
  nats = await startNatsServer();
  platform = await startTestPlatform(nats);
  alice = await TestClient.connect(nats, principal('t1', 'alice'));
  mallory = alice.as(principal('t2', 'mallory'));
});

afterAll(async () => {
  await alice?.close();
  await platform?.stop();
  await nats?.cleanup();
});

describe('tenant isolation', () => {
  it('hides applications, teams and operations of other tenants', async () => {
    const { team, app } = await seedApp(alice, 'secret');
    for (const route of [
      'applications.get',
      'applications.diff',
      'applications.desiredState.get',
      'status.application',
    ] as const) {
      expect((await mallory.error(route, { params: { id: app.id } })).code).toBe('NOT_FOUND');
    }
    expect(
      (await mallory.error('applications.update', { params: { id: app.id }, body: { description: 'pwned' } }))
        .code,
    ).toBe('NOT_FOUND');
    expect((await mallory.error('applications.delete', { params: { id: app.id } })).code).toBe('NOT_FOUND');
    expect((await mallory.error('applications.deploy', { params: { id: app.id }, body: {} })).code).toBe(
      'NOT_FOUND',
    );
    expect((await mallory.error('teams.get', { params: { id: team.id } })).code).toBe('NOT_FOUND');
    expect(
      (await mallory.error('teams.members.add', { params: { id: team.id }, body: { user_id: 'mallory' } }))
        .code,
    ).toBe('NOT_FOUND');
    const viaTeam = await mallory.error('applications.create', {
      body: { name: 'secret', team_id: team.id },
    });
    expect(viaTeam.code).toBe('VALIDATION_ERROR');
    expect(await mallory.data('applications.list')).toEqual([]);
    expect(await mallory.data('teams.list')).toEqual([]);
    expect(await mallory.data('operations.list')).toEqual([]);
    expect((await mallory.data('metrics.platform')).applications.total).toBe(0);
    expect(await alice.data('applications.get', { params: { id: app.id } })).toMatchObject({
      description: '',
    });
  });

  it('lets each tenant use the same application name', async () => {
    const team = await mallory.data('teams.create', { body: { name: 'm-team' } });
    const app = await mallory.data('applications.create', { body: { name: 'secret', team_id: team.id } });
    expect(app.tenant_id).toBe('t2');
    const mine = await alice.data<{ name: string; tenant_id: string }[]>('applications.list');
    expect(mine.every((a) => a.tenant_id === 't1')).toBe(true);
  });

  it('filters and paginates lists', async () => {
    const team = await alice.data('teams.create', { body: { name: 'paging' } });
    for (const name of ['p-1', 'p-2', 'p-3'])
      await alice.call('applications.create', { body: { name, team_id: team.id } });
    const page = await alice.call('applications.list', { query: { team_id: team.id, page: 2, per_page: 2 } });
    expect(page.pagination).toEqual({ page: 2, per_page: 2, total: 3, total_pages: 2 });
    expect((page.data as { name: string }[]).map((a) => a.name)).toEqual(['p-3']);
    const viaTeam = await alice.call('teams.applications.list', { params: { id: team.id } });
    expect(viaTeam.pagination?.total).toBe(3);
  });
});
