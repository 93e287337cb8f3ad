import { createServer, type Server } from 'node:http';
import { ApiError, Routes } from '@idp/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, ROUTE_NAMES } from '../src/index.js';

let server: Server;
let baseUrl: string;
const seen: { method?: string; url?: string; auth?: string; ifMatch?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        ifMatch: req.headers['if-match'] as string,
        body,
      });
      const meta = { request_id: 'req_1', timestamp: new Date().toISOString(), api_version: 'v1' };
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('missing')) {
        res.statusCode = 404;
        return res.end(
          JSON.stringify({ success: false, error: { code: 'NOT_FOUND', message: 'nope' }, meta }),
        );
      }
      res.end(
        JSON.stringify({
          success: true,
          data: { echo: req.url },
          meta,
          pagination: { page: 1, per_page: 50, total: 1, total_pages: 1 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('REST client', () => {
  it('has a method for every route of the contract table', () => {
    expect([...ROUTE_NAMES].sort()).toEqual(Routes.map((r) => r.name).sort());
    const api = createApiClient({ baseUrl, token: 't' });
    for (const name of ROUTE_NAMES) {
      const method = name
        .split('.')
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], api);
      expect(typeof method, name).toBe('function');
    }
  });

  it('builds method, path, query, body and headers from the route table and returns data', async () => {
    const api = createApiClient({ baseUrl, token: async () => 'tok' });
    const data = await api.applications.desiredState.put({
      params: { id: 'app_1' },
      query: { dry_run: true },
      body: { version: 'v1', replicas: 2 },
      ifMatch: '3',
    });
    expect(data).toEqual({ echo: '/api/v1/applications/app_1/desired-state?dry_run=true' });
    expect(seen.at(-1)).toMatchObject({
      method: 'PUT',
      auth: 'Bearer tok',
      ifMatch: '"3"',
      body: '{"version":"v1","replicas":2}',
    });
    const page = await api.callEnvelope('applications.list', { query: { page: 1 } });
    expect(page.pagination?.total).toBe(1);
  });

  it('throws ApiError with the contract code on failures', async () => {
    const api = createApiClient({ baseUrl, token: 'tok' });
    const error = await api.applications.get({ params: { id: 'missing' } }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(api.applications.get()).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});
