// Finding 9 of issue 9: the edge parsed JSON with plain JSON.parse (`__proto__` and `constructor`
// keys reached `env`), a body nested 5,000 levels deep answered 503 "message bus not available" with
// an error log, and a wrong enum value answered "must be equal to constant". Now: secure parsing
// refuses prototype keys, a depth limit refuses deep bodies, and enum errors list the allowed values,
// each as 400 VALIDATION_ERROR naming the problem.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from '../test/system.js';

let system: System;
let api: ApiClient;
let token: string;
let appId: string;

beforeAll(async () => {
  system = await startSystem();
  token = await adminToken('acme');
  api = apiClient(system.baseUrl, token);
  const team = await api.post('/teams', { name: 'input-team' });
  const app = await api.post('/applications', { name: 'input-app', team_id: team.body.data.id });
  appId = app.body.data.id;
}, 120_000);
afterAll(async () => system?.stop());

/** Sends a raw JSON text (the client would re-encode an object and lose what is under test). */
async function sendRaw(method: string, path: string, text: string) {
  const res = await fetch(`${system.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: text,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: await res.json() };
}

describe('finding 9: input', () => {
  it.each([
    ['__proto__', '{"version":"v1","replicas":1,"env":{"__proto__":{"polluted":"yes"}}}'],
    ['an escaped __proto__', '{"version":"v1","replicas":1,"env":{"\\u005f_proto__":"x"}}'],
    ['constructor.prototype', '{"version":"v1","replicas":1,"env":{"constructor":{"prototype":{"x":"1"}}}}'],
  ])('refuses a body with %s with 400 naming the forbidden key', async (_label, text) => {
    const res = await sendRaw('PUT', `/applications/${appId}/desired-state`, text);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      success: false,
      error: { code: 'VALIDATION_ERROR', details: { reason: 'forbidden key' } },
    });
    expect(res.body.error.message).toMatch(/__proto__/);
  });

  it.each(['constructor', 'prototype'])('refuses an env var named %s', async (key) => {
    const res = await sendRaw(
      'PUT',
      `/applications/${appId}/desired-state`,
      `{"version":"v1","replicas":1,"env":{"${key}":"x"}}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: `env.${key}` } });
  });

  it('refuses a body nested 5,000 levels deep with 400, not 503, and logs no error', async () => {
    const deep = `{"preferences":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const res = await sendRaw('PUT', '/users/me', deep);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { reason: 'too deeply nested', max_depth: 32 },
    });
    expect(system.services.edge!.output()).not.toMatch(/"level":50/);
    expect((await api.get('/users/me')).status).toBe(200);
  });

  it('names the allowed values for a wrong enum value', async () => {
    const res = await api.post('/resources/databases', {
      name: 'db',
      team_id: 'team_x',
      spec: { engine: 'oracle', size: 's', storage_gb: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'spec.engine', allowed: ['postgres', 'mysql', 'mongodb'] },
    });
    expect(res.body.error.message).toMatch(/must be one of "postgres", "mysql", "mongodb"/);
    expect(res.body.error.message).not.toMatch(/constant/);
  });
});
