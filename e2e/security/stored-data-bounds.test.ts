// Finding 1 of issue 9: any authenticated caller could crash the platform for good. PUT /users/me
// merged `preferences` without limit; three PUTs of 50 × 10 KB made the profile larger than one NATS
// message, the reply threw outside the responder's try, the unhandled rejection exited the platform,
// and the profile, rebuilt from stored events, crashed it again after every restart. Large `env` maps
// and list endpoints reached the same crash. Now: sizes are bounded at the write, preferences are
// replaced, a reply too large to send is a 413 naming the page size that fits, and the platform keeps
// serving, before and after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from '../test/system.js';

let system: System;
let api: ApiClient;

beforeAll(async () => {
  system = await startSystem();
  api = apiClient(system.baseUrl, await adminToken('acme'));
}, 120_000);
afterAll(async () => system?.stop());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** 50 preferences of 10 KB each: the body of the original attack (~500 KB). */
const attackPreferences = (round: number) =>
  Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${round}_${i}`, 'x'.repeat(10 * 1024)]));

/** Seven variables of 4,000 characters: within every env limit (~28 KB), so an app is ~29 KB. */
const bigEnv = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`VAR_${i}`, 'v'.repeat(4000)]));
const APPS = 45;

async function createBigApps(teamId: string) {
  for (let i = 0; i < APPS; i++) {
    const app = await api.post('/applications', { name: `big-${i}`, team_id: teamId });
    expect(app.status).toBe(201);
    const put = await api.put(`/applications/${app.body.data.id}/desired-state`, {
      version: 'v1',
      replicas: 1,
      env: bigEnv,
    });
    expect(put.status).toBe(200);
  }
}

describe('finding 1: no request can crash the platform', () => {
  it('refuses oversized preferences at the write and keeps answering GET /users/me', async () => {
    const pid = system.services.platform!.pid;
    for (let round = 0; round < 3; round++) {
      const res = await api.put('/users/me', { preferences: attackPreferences(round) });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        success: false,
        error: { code: 'VALIDATION_ERROR', details: { field: 'preferences' } },
      });
      expect(res.body.error.message).toMatch(/at most 16384 bytes/);
    }
    const me = await api.get('/users/me');
    expect(me.status).toBe(200);
    expect(alive(pid)).toBe(true);
  });

  it('replaces preferences instead of merging them', async () => {
    expect((await api.put('/users/me', { preferences: { theme: 'dark', a: 'x'.repeat(8000) } })).status).toBe(
      200,
    );
    expect((await api.put('/users/me', { preferences: { b: 'y'.repeat(8000) } })).status).toBe(200);
    const me = await api.get('/users/me');
    expect(me.body.data.preferences).toEqual({ b: 'y'.repeat(8000) });
  });

  it('refuses env maps beyond the limits instead of storing them', async () => {
    const team = await api.post('/teams', { name: 'env-team' });
    const app = await api.post('/applications', { name: 'env-app', team_id: team.body.data.id });
    const huge = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`V${i}`, 'v'.repeat(4096)]));
    const res = await api.put(`/applications/${app.body.data.id}/desired-state`, {
      version: 'v1',
      replicas: 1,
      env: huge,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'env' } });
  });

  it('answers a list page too large to send with 413 naming the page size that fits', async () => {
    const pid = system.services.platform!.pid;
    const team = await api.post('/teams', { name: 'big-team' });
    await createBigApps(team.body.data.id);

    const tooBig = await api.get('/applications?per_page=200');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ success: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    const fits = tooBig.body.error.details.max_per_page as number;
    expect(fits).toBeGreaterThan(10);
    expect(fits).toBeLessThan(APPS);
    expect(tooBig.body.error.message).toContain(`per_page=${fits}`);

    const page = await api.get(`/applications?per_page=${fits}`);
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(fits);
    expect(alive(pid)).toBe(true);
  });

  it('keeps serving after a restart of the platform (nothing stored breaks a read)', async () => {
    await system.services.platform!.stop();
    await system.startService('platform');
    const pid = system.services.platform!.pid;

    const me = await api.get('/users/me');
    expect(me.status).toBe(200);
    expect(me.body.data.preferences).toEqual({ b: 'y'.repeat(8000) });
    expect((await api.get('/applications?per_page=200')).status).toBe(413);
    expect((await api.get('/applications?per_page=10')).status).toBe(200);
    expect((await api.get('/users/me')).status).toBe(200);
    expect(alive(pid)).toBe(true);
  });
});
