// Names of teams, resources and applications are unique within a tenant, also when creates race on two
// platform instances: exactly one racer wins, every other gets 409 CONFLICT naming the field, and a
// deleted object frees its name.
import { describe, expect, it } from 'vitest';
import { type Loose, waitForOperation } from '../src/test-support/harness.js';
import { cacheBody, race, twoInstances } from './racing.js';

const RACERS = 12;

const world = twoInstances();
const tenant = (name: string) => world.tenant(name);

const raceOneName = (call: () => Promise<unknown>) => race(Array.from({ length: RACERS }, () => call));

function expectNameConflicts(lost: Loose[], name: string) {
  expect(lost.map((e) => e.code)).toEqual(Array(RACERS - 1).fill('CONFLICT'));
  for (const error of lost) {
    expect(error.status).toBe(409);
    expect(error.message).toContain(`'${name}'`);
    expect(error.details).toEqual({ field: 'name', name });
  }
}

describe('racing creates of one name', () => {
  it('lets exactly one team of a name exist', async () => {
    const client = tenant('n-teams');
    const { won, lost } = await raceOneName(() => client.call('teams.create', { body: { name: 'same' } }));
    expect(won).toHaveLength(1);
    expectNameConflicts(lost, 'same');
    expect(await client.data('teams.list')).toHaveLength(1);
  });

  it('lets exactly one resource of a name exist, whatever its type', async () => {
    const client = tenant('n-res');
    const team = await client.data('teams.create', { body: { name: 'res' } });
    const { won, lost } = await raceOneName(() =>
      client.call('resources.create', { params: { type: 'caches' }, body: cacheBody('same', team.id) }),
    );
    expect(won).toHaveLength(1);
    expectNameConflicts(lost, 'same');
    const otherType = await client.error('resources.create', {
      params: { type: 'databases' },
      body: { name: 'same', team_id: team.id, spec: { engine: 'postgres', size: 's', storage_gb: 5 } },
    });
    expect(otherType).toMatchObject({ code: 'CONFLICT', details: { field: 'name', name: 'same' } });
    expect(await client.data('resources.list')).toHaveLength(1);
  });

  it('lets exactly one application of a name exist', async () => {
    const client = tenant('n-apps');
    const team = await client.data('teams.create', { body: { name: 'apps' } });
    const { won, lost } = await raceOneName(() =>
      client.call('applications.create', { body: { name: 'same', team_id: team.id } }),
    );
    expect(won).toHaveLength(1);
    expectNameConflicts(lost, 'same');
  });

  it('keeps names of different kinds and tenants apart', async () => {
    const client = tenant('n-kinds');
    const team = await client.data('teams.create', { body: { name: 'shared' } });
    await client.data('applications.create', { body: { name: 'shared', team_id: team.id } });
    await client.data('resources.create', { params: { type: 'caches' }, body: cacheBody('shared', team.id) });
    await tenant('n-kinds-2').data('teams.create', { body: { name: 'shared' } });
  });
});

describe('deleted objects free their names', () => {
  it('frees an application name', async () => {
    const client = tenant('n-app-free');
    const team = await client.data('teams.create', { body: { name: 'free' } });
    const app = await client.data('applications.create', { body: { name: 'reused', team_id: team.id } });
    await client.call('applications.delete', { params: { id: app.id } });
    const again = await client.data('applications.create', { body: { name: 'reused', team_id: team.id } });
    expect(again.id).not.toBe(app.id);
  });

  it('frees a resource name once its delete operation has finished', async () => {
    const client = tenant('n-res-free');
    const team = await client.data('teams.create', { body: { name: 'free' } });
    const create = () =>
      client.call('resources.create', { params: { type: 'caches' }, body: cacheBody('reused', team.id) });
    const first = (await create()).data as Loose;
    await waitForOperation(client, first.operation_id);
    const [cache] = await client.data<Loose[]>('resources.list');
    const deleting = await client.data('resources.delete', { params: { type: 'caches', id: cache!.id } });
    expect(await create().catch((e) => e.details)).toEqual({ field: 'name', name: 'reused' });
    await waitForOperation(client, deleting.operation_id);
    expect((await create()).status).toBe(202);
  });
});

describe('bad inputs stay 4xx and hold no name', () => {
  it('answers the validation error, not a conflict, when a refused create is repeated', async () => {
    const client = tenant('n-bad');
    const team = await client.data('teams.create', { body: { name: 'bad' } });
    const pipeline = (spec: Record<string, unknown>) =>
      client.call('resources.create', {
        params: { type: 'ci-pipelines' },
        body: { name: 'ci', team_id: team.id, spec: { runner_size: 's', trigger: 'push', ...spec } },
      });
    for (let i = 0; i < 2; i++) {
      const error = await pipeline({ repository_id: 'repo_missing' }).catch((e) => e);
      expect(error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'spec.repository_id' } });
    }
    const badName = await client.error('teams.create', { body: { name: 'BAD NAME' } });
    expect(badName).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'name' } });
    const appNoTeam = await client.error('applications.create', { body: { name: 'ci', team_id: 'team_x' } });
    expect(appNoTeam).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'team_id' } });
    const repo = await client.data('resources.create', {
      params: { type: 'git-repositories' },
      body: { name: 'repo', team_id: team.id, spec: { visibility: 'private' } },
    });
    await waitForOperation(client, repo.operation_id);
    const [created] = await client.data<Loose[]>('resources.list');
    expect((await pipeline({ repository_id: created!.id })).status).toBe(202);
  });
});
