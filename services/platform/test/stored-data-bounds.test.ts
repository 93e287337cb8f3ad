// The platform bounds what it stores whoever calls it (issue 9, finding 1): a caller that reaches its
// NATS subjects without the edge cannot store what would make a later read fail either.
import { StoredDataLimits } from '@idp/contracts';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformHandle } from '../src/platform.js';
import { startTestPlatform, TestClient } from '../src/test-support/harness.js';

let nats: NatsServerHandle;
let platform: PlatformHandle;
let client: TestClient;

beforeAll(async () => {
  nats = await startNatsServer();
  platform = await startTestPlatform(nats);
  client = await TestClient.connect(nats);
});

afterAll(async () => {
  await client?.close();
  await platform?.stop();
  await nats?.cleanup();
});

describe('stored data bounds', () => {
  it('refuses preferences over the limit sent straight over NATS', async () => {
    const preferences = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`p${i}`, 'x'.repeat(10_240)]),
    );
    const error = await client.error('users.me.update', { body: { preferences } });
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'preferences' } });
    expect((await client.data('users.me.get')).preferences).toEqual({});
  });

  it('refuses an env map over the limit sent straight over NATS', async () => {
    const team = await client.data('teams.create', { body: { name: 'env' } });
    const app = await client.data('applications.create', { body: { name: 'env', team_id: team.id } });
    const env = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`K${i}`, 'v'.repeat(4000)]));
    const error = await client.error('applications.desiredState.put', {
      params: { id: app.id },
      body: { version: 'v1', replicas: 1, env },
    });
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'env' } });
  });

  it('replaces preferences on each update', async () => {
    await client.call('users.me.update', { body: { preferences: { theme: 'dark' } } });
    await client.call('users.me.update', { body: { preferences: { lang: 'en' } } });
    expect((await client.data('users.me.get')).preferences).toEqual({ lang: 'en' });
  });

  it(`refuses a team member past ${StoredDataLimits.teamMembers}`, async () => {
    const team = await client.data('teams.create', { body: { name: 'crowd' } });
    // The creator is the first member.
    for (let i = 1; i < StoredDataLimits.teamMembers; i++) {
      await client.call('teams.members.add', { params: { id: team.id }, body: { user_id: `user-${i}` } });
    }
    const error = await client.error('teams.members.add', {
      params: { id: team.id },
      body: { user_id: 'one-more' },
    });
    expect(error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'team_members', limit: StoredDataLimits.teamMembers },
    });
  }, 60_000);
});
