// Two platform instances on one server: name uniqueness under racing creates, and reads that see
// writes made through the other instance. Teams, resources and quotas under racing creates:
// exact-names.test.ts and exact-quotas.test.ts.

import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformHandle } from '../src/platform.js';
import { startTestPlatform, TestClient } from '../src/test-support/harness.js';

let nats: NatsServerHandle;
let platforms: PlatformHandle[];
let client: TestClient;

beforeAll(async () => {
  nats = await startNatsServer();
  platforms = [await startTestPlatform(nats), await startTestPlatform(nats)];
  client = await TestClient.connect(nats);
});

afterAll(async () => {
  await client?.close();
  for (const p of platforms ?? []) await p.stop();
  await nats?.cleanup();
});

describe('two instances', () => {
  it('lets exactly one of many concurrent creates of one name win', async () => {
    const team = await client.data('teams.create', { body: { name: 'race' } });
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, () =>
        client.call('applications.create', { body: { name: 'contested', team_id: team.id } }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => r.reason.code)).toEqual(Array(15).fill('CONFLICT'));
    for (const r of lost) expect(r.reason.details).toEqual({ field: 'name', name: 'contested' });
    const apps = await client.data<{ name: string }[]>('applications.list');
    expect(apps.filter((a) => a.name === 'contested')).toHaveLength(1);
  });

  it('reads its own writes whichever instance answers', async () => {
    for (let i = 0; i < 20; i++) {
      const team = await client.data('teams.create', { body: { name: `rw-${i}` } });
      expect((await client.data('teams.get', { params: { id: team.id } })).id).toBe(team.id);
    }
  });

  it('serialises concurrent updates of one application by version', async () => {
    const team = await client.data('teams.create', { body: { name: 'upd' } });
    const app = await client.data('applications.create', { body: { name: 'upd', team_id: team.id } });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        client.call('applications.update', {
          params: { id: app.id },
          body: { description: `d${i}` },
          if_match: '1',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const after = await client.data('applications.get', { params: { id: app.id } });
    expect(after.version).toBe(2);
  });
});
