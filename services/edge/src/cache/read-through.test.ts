// The read and write paths over HTTP (a bare fastify app, the backend a function the test controls):
// hits and misses, the write that races a slow read, 304, bypass, and the cache switched off.
import type { Principal } from '@idp/contracts';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import '../fastify-types.js';
import { type BackendAnswer, createReadThrough, type ReadThrough } from './read-through.js';
import { ResponseCache } from './response-cache.js';

const alice: Principal = {
  sub: 'alice',
  tenant_id: 't1',
  roles: [{ role: 'admin', scope: 'tenant:t1' }],
  credential: 'jwt',
};
const bob: Principal = { ...alice, sub: 'bob', roles: [{ role: 'viewer', scope: 'team:x' }] };

let app: FastifyInstance | undefined;
afterEach(async () => app?.close());

/** An app with GET /read (as `who`) and POST /write; `backend` answers reads. */
async function serve(paths: ReadThrough, backend: () => Promise<BackendAnswer>) {
  app = Fastify();
  app.decorateRequest('requestContext', null as never);
  app.addHook('onRequest', async (request) => {
    request.requestContext = { requestId: String(request.id) };
  });
  const principalOf = (who: unknown) => (who === 'bob' ? bob : alice);
  const input = { params: {}, query: {}, body: undefined };
  app.get('/read', (request, reply) => {
    const principal = principalOf((request.query as { who?: string }).who);
    return paths.read('applications.list', request, reply, principal, input, backend);
  });
  app.post('/write', async () => paths.write(alice, async () => ({ ok: true })));
  await app.ready();
  return app;
}

function liveCache() {
  const cache = new ResponseCache({ maxBytes: 1_000_000, ttlMs: 60_000 });
  cache.feedCaughtUp();
  return cache;
}

describe('read-through', () => {
  it('misses, then hits, with the same body and ETag, a fresh request id, and per principal', async () => {
    let calls = 0;
    const server = await serve(createReadThrough(liveCache()), async () => ({
      status: 200,
      data: [{ id: `app_${++calls}` }],
      pagination: { page: 1, per_page: 50, total: 1, total_pages: 1 },
    }));
    const first = await server.inject({ method: 'GET', url: '/read' });
    const second = await server.inject({ method: 'GET', url: '/read' });
    expect(first.headers['x-cache-status']).toBe('MISS');
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.json().data).toEqual(first.json().data);
    expect(second.json().pagination).toEqual({ page: 1, per_page: 50, total: 1, total_pages: 1 });
    expect(second.json().meta.request_id).not.toBe(first.json().meta.request_id);
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
    const other = await server.inject({ method: 'GET', url: '/read?who=bob' });
    expect(other.headers['x-cache-status']).toBe('MISS');
    expect(calls).toBe(2);
  });

  it('does not store the answer of a read that a write overtook', async () => {
    let release: (answer: BackendAnswer) => void = () => undefined;
    let version = 1;
    const server = await serve(createReadThrough(liveCache()), () =>
      version === 1
        ? new Promise<BackendAnswer>((resolve) => {
            release = resolve;
          })
        : Promise.resolve({ status: 200, data: { version } }),
    );
    const slowRead = server.inject({ method: 'GET', url: '/read' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.inject({ method: 'POST', url: '/write' });
    version = 2;
    release({ status: 200, data: { version: 1 } });
    expect((await slowRead).json().data).toEqual({ version: 1 });
    const next = await server.inject({ method: 'GET', url: '/read' });
    expect(next.headers['x-cache-status']).toBe('MISS');
    expect(next.json().data).toEqual({ version: 2 });
  });

  it('answers 304 to the current ETag and goes to the backend on no-cache', async () => {
    let calls = 0;
    const server = await serve(createReadThrough(liveCache()), async () => {
      calls++;
      return { status: 200, data: { name: 'a' }, etag: '4' };
    });
    const first = await server.inject({ method: 'GET', url: '/read' });
    expect(first.headers.etag).toBe('"4"');
    const notModified = await server.inject({
      method: 'GET',
      url: '/read',
      headers: { 'if-none-match': '"4"' },
    });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    expect(calls).toBe(1);
    const bypass = await server.inject({
      method: 'GET',
      url: '/read',
      headers: { 'cache-control': 'no-cache' },
    });
    expect(bypass.headers['x-cache-status']).toBe('BYPASS');
    expect(calls).toBe(2);
  });

  it('serves nothing from the cache while the change feed is not current', async () => {
    const cache = liveCache();
    let calls = 0;
    const server = await serve(createReadThrough(cache), async () => ({ status: 200, data: ++calls }));
    await server.inject({ method: 'GET', url: '/read' });
    cache.feedLost();
    const during = await server.inject({ method: 'GET', url: '/read' });
    expect(during.headers['x-cache-status']).toBe('MISS');
    expect(during.json().data).toBe(2);
    expect((await server.inject({ method: 'GET', url: '/read' })).json().data).toBe(3);
  });

  it('without a cache still sends ETags and 304s, and always asks the backend', async () => {
    let calls = 0;
    const server = await serve(createReadThrough(undefined), async () => ({ status: 200, data: [++calls] }));
    const first = await server.inject({ method: 'GET', url: '/read' });
    expect(first.headers['x-cache-status']).toBeUndefined();
    expect(first.headers.etag).toMatch(/^"h-/);
    const again = await server.inject({
      method: 'GET',
      url: '/read',
      headers: { 'if-none-match': first.headers.etag! },
    });
    expect(again.statusCode).toBe(200); // the data changed ([2]), so the tag did too
    expect(calls).toBe(2);
  });
});
