// Quotas hold exactly when creates race on two platform instances: every create reserves its slot on
// the tenant's quota aggregate with a compare-and-set append, so no count ever passes its limit, and a
// delete gives its slot back.
import { describe, expect, it } from 'vitest';
import { ORPHAN_CLAIM_MS } from '../src/aggregates/holder.js';
import { NameClaimAggregates } from '../src/aggregates/name-claim.js';
import { AggregateTypes, makeEvent } from '../src/aggregates/stored-event.js';
import type { QuotaLookup } from '../src/quota-lookup.js';
import { type Loose, waitForOperation } from '../src/test-support/harness.js';
import { cacheBody, race, twoInstances } from './racing.js';

const LIMIT = 3;
const RACERS = 12;
const QUOTA = { applications: LIMIT, resources: LIMIT, teams: LIMIT };
const lookup: QuotaLookup = () => ({ tier: 'free', quota: QUOTA });

const world = twoInstances({ quotas: lookup });
const tenant = (name: string) => world.tenant(name);

function expectRefusedByQuota(lost: Loose[], quota: string) {
  expect(lost.map((e) => e.code)).toEqual(Array(RACERS - LIMIT).fill('QUOTA_EXCEEDED'));
  for (const error of lost) {
    expect(error).toMatchObject({ status: 403, details: { quota, limit: LIMIT, tier: 'free' } });
    expect(error.details.used).toBeGreaterThanOrEqual(LIMIT);
  }
}

describe('quotas under racing creates on two instances', () => {
  it('never lets racing team creates pass the teams quota', async () => {
    const client = tenant('q-teams');
    const { won, lost } = await race(
      Array.from(
        { length: RACERS },
        (_, i) => () => client.call('teams.create', { body: { name: `t${i}` } }),
      ),
    );
    expect(won).toHaveLength(LIMIT);
    expectRefusedByQuota(lost, 'teams');
    expect(await client.data('teams.list')).toHaveLength(LIMIT);
    expect(await client.data('quotas.get')).toMatchObject({ teams: { used: LIMIT, limit: LIMIT } });
  });

  it('never lets racing application creates pass the applications quota', async () => {
    const client = tenant('q-apps');
    const team = await client.data('teams.create', { body: { name: 'apps' } });
    const { won, lost } = await race(
      Array.from(
        { length: RACERS },
        (_, i) => () => client.call('applications.create', { body: { name: `a${i}`, team_id: team.id } }),
      ),
    );
    expect(won).toHaveLength(LIMIT);
    expectRefusedByQuota(lost, 'applications');
    expect(await client.data('applications.list')).toHaveLength(LIMIT);
    expect(await client.data('quotas.get')).toMatchObject({ applications: { used: LIMIT, limit: LIMIT } });
  });

  it('never lets racing resource creates pass the resources quota', async () => {
    const client = tenant('q-res');
    const team = await client.data('teams.create', { body: { name: 'res' } });
    const { won, lost } = await race(
      Array.from(
        { length: RACERS },
        (_, i) => () =>
          client.call('resources.create', { params: { type: 'caches' }, body: cacheBody(`c${i}`, team.id) }),
      ),
    );
    expect(won).toHaveLength(LIMIT);
    expectRefusedByQuota(lost, 'resources');
    for (const accepted of won) await waitForOperation(client, accepted.data.operation_id);
    expect(await client.data('resources.list')).toHaveLength(LIMIT);
    expect(await client.data('quotas.get')).toMatchObject({ resources: { used: LIMIT, limit: LIMIT } });
  });
});

describe('deletes give quota slots back', () => {
  it('frees an application slot, and a create refused by the quota holds no name', async () => {
    const client = tenant('q-app-free');
    const team = await client.data('teams.create', { body: { name: 'free' } });
    const apps: Loose[] = [];
    for (let i = 0; i < LIMIT; i++)
      apps.push(await client.data('applications.create', { body: { name: `a${i}`, team_id: team.id } }));
    const refused = await client.error('applications.create', { body: { name: 'later', team_id: team.id } });
    expect(refused).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { used: LIMIT } });
    await client.call('applications.delete', { params: { id: apps[0]!.id } });
    expect(await client.data('quotas.get')).toMatchObject({ applications: { used: LIMIT - 1 } });
    await client.data('applications.create', { body: { name: 'later', team_id: team.id } });
    expect(await client.data('quotas.get')).toMatchObject({ applications: { used: LIMIT } });
  });

  it('frees a resource slot once its delete operation has finished', async () => {
    const client = tenant('q-res-free');
    const team = await client.data('teams.create', { body: { name: 'free' } });
    for (let i = 0; i < LIMIT; i++) {
      const accepted = await client.data('resources.create', {
        params: { type: 'caches' },
        body: cacheBody(`c${i}`, team.id),
      });
      await waitForOperation(client, accepted.operation_id);
    }
    const create = () =>
      client.call('resources.create', { params: { type: 'caches' }, body: cacheBody('later', team.id) });
    expect(await create().catch((e) => e.code)).toBe('QUOTA_EXCEEDED');
    const [first] = await client.data<Loose[]>('resources.list');
    const deleting = await client.data('resources.delete', { params: { type: 'caches', id: first!.id } });
    await waitForOperation(client, deleting.operation_id);
    expect(await client.data('quotas.get')).toMatchObject({ resources: { used: LIMIT - 1 } });
    expect((await create()).status).toBe(202);
  });
});

/**
 * What a create leaves behind when its instance dies after claiming its name and reserving its slot
 * and before storing its team: the two events, written `ageMs` ago.
 */
async function crashedCreate(tenantId: string, name: string, ageMs: number) {
  const { deps } = world.platforms[0]!;
  await deps.barrier.wait();
  const at = new Date(Date.now() - ageMs).toISOString();
  const holder_id = `team_crashed${ageMs}`;
  const by = { tenant_id: tenantId, by: 'alice' };
  const claim = makeEvent({ ...by, aggregate: NameClaimAggregates.team, id: name }, 'name.claimed', {
    holder_id,
  });
  await deps.store.append({ ...claim, at }, 0);
  const quotaSeq = deps.projection.model.quotas.get(tenantId, 'teams')?.seq ?? 0;
  const reserved = makeEvent({ ...by, aggregate: AggregateTypes.quota, id: 'teams' }, 'quota.reserved', {
    holder_id,
    settled: [],
  });
  await deps.store.append({ ...reserved, at }, quotaSeq);
}

describe('a create whose instance crashed after reserving', () => {
  it('keeps its name and slot while it could still finish', async () => {
    const client = tenant('q-crash-fresh');
    await client.data('teams.create', { body: { name: 't1' } });
    await crashedCreate('q-crash-fresh', 'ghost', 0);
    expect(await client.data('quotas.get')).toMatchObject({ teams: { used: 2 } });
    const sameName = await client.error('teams.create', { body: { name: 'ghost' } });
    expect(sameName).toMatchObject({ code: 'CONFLICT', details: { field: 'name', name: 'ghost' } });
    await client.data('teams.create', { body: { name: 'other' } });
    const overQuota = await client.error('teams.create', { body: { name: 'more' } });
    expect(overQuota).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { used: LIMIT } });
  });

  it('lets them lapse once it cannot finish any more', async () => {
    const client = tenant('q-crash-old');
    for (const name of ['t1', 't2']) await client.data('teams.create', { body: { name } });
    await crashedCreate('q-crash-old', 'ghost', ORPHAN_CLAIM_MS + 1000);
    expect(await client.data('quotas.get')).toMatchObject({ teams: { used: LIMIT - 1 } });
    await client.data('teams.create', { body: { name: 'ghost' } });
    expect(await client.data('quotas.get')).toMatchObject({ teams: { used: LIMIT } });
    const reservations = world.platforms[0]!.deps.projection.model.quotas.get('q-crash-old', 'teams');
    expect(reservations?.state.pending.map((r) => r.holder_id)).not.toContain(
      `team_crashed${ORPHAN_CLAIM_MS + 1000}`,
    );
  });
});
