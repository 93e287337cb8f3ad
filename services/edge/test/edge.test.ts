import { mintToken } from '@idp/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EdgeHarness, startEdgeHarness } from './harness.js';

let h: EdgeHarness;
let admin: string;
let viewer: string;

beforeAll(async () => {
  h = await startEdgeHarness();
  admin = await mintToken({ sub: 'alice', tenant: 'acme' });
  viewer = await mintToken({
    sub: 'victor',
    tenant: 'acme',
    roles: [{ role: 'viewer', scope: 'tenant:acme' }],
  });
});
afterAll(async () => h?.close());
beforeEach(() => {
  h.received.length = 0;
  h.setPlatform(() => ({ ok: true, status: 200, data: { id: 'app_1' } }));
});

const get = (url: string, token?: string, headers: Record<string, string> = {}) =>
  h.app.inject({
    method: 'GET',
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
const send = (
  method: 'POST' | 'PUT' | 'DELETE',
  url: string,
  body: unknown,
  token = admin,
  headers: Record<string, string> = {},
) =>
  h.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('envelopes and request ids', () => {
  it('wraps backend data in the success envelope with meta', async () => {
    const res = await get('/api/v1/applications/app_1', admin);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ success: true, data: { id: 'app_1' }, meta: { api_version: 'v1' } });
    expect(body.meta.request_id).toBe(res.headers['x-request-id']);
    expect(Number.isNaN(Date.parse(body.meta.timestamp))).toBe(false);
  });

  it('keeps a well-formed X-Request-Id and carries it and traceparent to the backend', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await get('/api/v1/applications/app_1', admin, { 'x-request-id': 'client-42', traceparent });
    expect(res.headers['x-request-id']).toBe('client-42');
    expect(h.received[0]?.headers['X-Request-Id']).toBe('client-42');
    expect(h.received[0]?.headers.traceparent).toBe(traceparent);
  });

  it('replaces a malformed X-Request-Id with a generated one', async () => {
    const res = await get('/api/v1/applications/app_1', admin, { 'x-request-id': 'bad id with spaces' });
    expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('passes pagination through and forwards the principal from the token, not the request', async () => {
    h.setPlatform(() => ({
      ok: true,
      status: 200,
      data: [],
      pagination: { page: 2, per_page: 10, total: 11, total_pages: 2 },
    }));
    const res = await get('/api/v1/applications?page=2&per_page=10&tenant_id=evil', admin);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('tenant_id');
    const ok = await get('/api/v1/applications?page=2&per_page=10', admin);
    expect(ok.json().pagination).toEqual({ page: 2, per_page: 10, total: 11, total_pages: 2 });
    const forwarded = h.received.at(-1)!.request;
    expect(forwarded.principal).toMatchObject({ sub: 'alice', tenant_id: 'acme' });
    expect(forwarded.query).toEqual({ page: 2, per_page: 10 });
  });

  it('applies default pagination', async () => {
    await get('/api/v1/operations', admin);
    expect(h.received[0]?.request.query).toEqual({ page: 1, per_page: 50 });
  });

  it('answers 202 with a Location for long-running commands and an ETag when the backend gives a version', async () => {
    h.setPlatform(() => ({
      ok: true,
      status: 202,
      data: {
        operation_id: 'op_9',
        status: 'pending',
        message: 'queued',
        progress: 0,
        estimated_completion: null,
      },
      etag: '4',
    }));
    const res = await send('POST', '/api/v1/applications/app_1/deploy', { version: 'v2' });
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe('/api/v1/operations/op_9');
    expect(res.headers.etag).toBe('"4"');
    expect(res.json().data.operation_id).toBe('op_9');
  });

  it('accepts a POST with an empty JSON body as "no options"', async () => {
    h.setPlatform(() => ({ ok: true, status: 202, data: { operation_id: 'op_1' } }));
    const res = await send('POST', '/api/v1/applications/app_1/restart', '');
    expect(res.statusCode).toBe(202);
    expect(h.received[0]?.request.body).toEqual({});
  });

  it('passes If-Match to the backend unquoted and maps its CONFLICT to 409', async () => {
    h.setPlatform(() => ({
      ok: false,
      error: { code: 'CONFLICT', message: 'stale', details: { expected: '1', actual: '2' } },
    }));
    const res = await send('PUT', '/api/v1/applications/app_1', { description: 'x' }, admin, {
      'if-match': 'W/"1"',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      success: false,
      error: { code: 'CONFLICT', details: { expected: '1' } },
    });
    expect(h.received[0]?.request.if_match).toBe('1');
  });
});

describe('authentication', () => {
  it('refuses a request without a credential', async () => {
    const res = await get('/api/v1/applications');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ success: false, error: { code: 'UNAUTHENTICATED' } });
    expect(h.received).toHaveLength(0);
  });

  it.each([
    ['a malformed header', { authorization: 'Basic abc' }],
    ['garbage as a token', { authorization: 'Bearer not.a.jwt' }],
  ])('refuses %s', async (_label, headers) => {
    const res = await get('/api/v1/applications', undefined, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['an expired token', { expiresInSeconds: -120 }],
    ['alg:none', { alg: 'none' as const }],
    ['a wrong issuer', { issuer: 'someone-else' }],
    ['a wrong audience', { audience: 'other-api' }],
    ['a wrong secret', { secret: 'another-secret-of-enough-length' }],
    ['a token that is not valid yet', { notBeforeSeconds: 600 }],
  ])('refuses %s', async (_label, options) => {
    const token = await mintToken({ sub: 'mallory', tenant: 'acme', ...options });
    const res = await get('/api/v1/applications', token);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token without tenant_id', async () => {
    const token = await mintToken({ sub: 'nobody', tenant: 'acme', extraClaims: { tenant_id: undefined } });
    const res = await get('/api/v1/applications', token);
    expect(res.statusCode).toBe(401);
  });

  it('refuses an action the roles do not grant with 403 naming the permission', async () => {
    const res = await send('POST', '/api/v1/applications', { name: 'web', team_id: 'team_1' }, viewer);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({
      code: 'FORBIDDEN',
      details: { permission: 'application:create' },
    });
    expect(h.received).toHaveLength(0);
  });

  it('resolves {type} in resource permissions', async () => {
    const dev = await mintToken({
      sub: 'dora',
      tenant: 'acme',
      roles: [{ role: 'developer', scope: 'team:web' }],
    });
    const body = { name: 'orders', team_id: 'web', spec: { engine: 'postgres', size: 's', storage_gb: 10 } };
    expect((await send('POST', '/api/v1/resources/databases', body, dev)).statusCode).toBe(200);
    expect(
      (await send('DELETE', '/api/v1/resources/databases/db_1', undefined, dev)).json().error.details
        .permission,
    ).toBe('resource:database:delete');
  });

  it('answers users/me/permissions at the edge with each binding’s permissions', async () => {
    const res = await get('/api/v1/users/me/permissions', viewer);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.roles[0]).toMatchObject({ role: 'viewer', scope: 'tenant:acme', effective: true });
    expect(res.json().data.roles[0].permissions).toContain('application:read');
  });
});

describe('validation', () => {
  it.each([
    ['a missing required field', 'POST', '/api/v1/applications', { team_id: 'team_1' }, 'name'],
    [
      'an unknown field',
      'POST',
      '/api/v1/applications',
      { name: 'web', team_id: 'team_1', colour: 'red' },
      'colour',
    ],
    ['a bad name', 'POST', '/api/v1/applications', { name: 'Web App!', team_id: 'team_1' }, 'name'],
    [
      'a negative replica count',
      'PUT',
      '/api/v1/applications/app_1/desired-state',
      { version: 'v1', replicas: -1 },
      'replicas',
    ],
    [
      'a bad env var name',
      'PUT',
      '/api/v1/applications/app_1/desired-state',
      { version: 'v1', replicas: 1, env: { 'not valid': 'x' } },
      'env',
    ],
    [
      'a bad database size',
      'POST',
      '/api/v1/resources/databases',
      { name: 'db', team_id: 't', spec: { engine: 'postgres', size: 'xxl', storage_gb: 1 } },
      'spec.size',
    ],
    [
      'a cache spec sent to databases',
      'POST',
      '/api/v1/resources/databases',
      { name: 'db', team_id: 't', spec: { engine: 'redis', size: 's' } },
      'spec',
    ],
    ['an empty team name', 'POST', '/api/v1/teams', { name: '' }, 'name'],
    ['a bad profile email', 'PUT', '/api/v1/users/me', { email: 'not-an-email' }, 'email'],
  ] as const)('names the field for %s', async (_label, method, url, body, field) => {
    const res = await send(method, url, body);
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(json).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    expect(json.error.details.field.startsWith(field)).toBe(true);
    expect(h.received).toHaveLength(0);
  });

  it.each([
    ['per_page above the maximum', '/api/v1/applications?per_page=500', 'per_page'],
    ['a page that is not a number', '/api/v1/applications?page=abc', 'page'],
    ['an id with forbidden characters', '/api/v1/applications/app.1%24', 'id'],
    ['an unknown resource type', '/api/v1/resources/spaceships', 'type'],
    ['a query parameter on a route without one', '/api/v1/users/me?debug=1', 'debug'],
  ])('rejects %s', async (_label, url, field) => {
    const res = await get(url, admin);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe(field);
  });

  it('rejects invalid JSON with 400', async () => {
    const res = await send('POST', '/api/v1/applications', '{"name": ');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
  });

  it('rejects a body over the limit with 413', async () => {
    const res = await send('POST', '/api/v1/applications', {
      name: 'web',
      team_id: 't',
      description: 'x'.repeat(10_000),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects a non-JSON body with 415', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a malformed If-Match', async () => {
    const res = await send('PUT', '/api/v1/applications/app_1', { description: 'x' }, admin, {
      'if-match': '"a b"',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('If-Match');
  });

  it('answers an unknown route with a 404 envelope', async () => {
    const res = await get('/api/v1/nothing-here', admin);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('backend failures', () => {
  it('answers 504 within the bound when the backend is silent', async () => {
    h.setPlatform(() => undefined);
    const started = Date.now();
    const res = await get('/api/v1/applications/app_1', admin);
    expect(res.statusCode).toBe(504);
    expect(res.json().error.code).toBe('GATEWAY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('turns an INTERNAL_ERROR reply into a 500 envelope without leaking details', async () => {
    h.setPlatform(() => ({
      ok: false,
      error: { code: 'INTERNAL_ERROR', message: 'An internal error occurred' },
    }));
    const res = await get('/api/v1/applications/app_1', admin);
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toEqual({ code: 'INTERNAL_ERROR', message: 'An internal error occurred' });
  });
});

describe('operational endpoints', () => {
  it('serves healthz and the OpenAPI document, and no metrics on the public listener', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    // Prometheus metrics are on the probe port (IDP_HEALTH_PORT) only.
    const metrics = await get('/metrics');
    expect(metrics.statusCode).toBe(404);
    expect(metrics.body).not.toContain('idp_edge_http_requests_total');
    const openapi = (await get('/api/v1/openapi.json')).json();
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/api/v1/applications/{id}/desired-state');
    expect(openapi.paths['/api/v1/applications'].post.requestBody).toBeDefined();
  });

  it.each([
    ['bad percent-encoding', '/api/v1/applications/%zz'],
    ['a path segment over the router limit', `/api/v1/applications/${'a'.repeat(300)}`],
  ])('answers a URL the router refuses (%s) in the error envelope', async (_label, url) => {
    const res = await get(url, admin);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      success: false,
      error: { code: 'VALIDATION_ERROR' },
      meta: { request_id: expect.any(String) },
    });
    expect(res.headers['x-request-id']).toBe(res.json().meta.request_id);
  });

  it('answers CORS preflights for configured origins only', async () => {
    const ok = await h.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/applications',
      headers: { origin: 'https://portal.example', 'access-control-request-method': 'POST' },
    });
    expect(ok.headers['access-control-allow-origin']).toBe('https://portal.example');
    const other = await h.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/applications',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
