import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@idp/observability';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { consoleOptionsFromEnv, registerWebUi } from './index.js';

const logger = createLogger({ service: 'edge-test', level: 'silent' });
const repoConsole = consoleOptionsFromEnv({ IDP_CONSOLE_DIR: '', IDP_CONSOLE_WS_URL: '', IDP_WS_PORT: 8081 });

async function appWith(options: Partial<typeof repoConsole> | undefined) {
  const app = Fastify();
  await registerWebUi(app, {
    apiPrefix: '/api/v1',
    console: options && { ...repoConsole, ...options },
    logger,
  });
  return app;
}

describe('the console routes', () => {
  it('serve the page under a policy that allows its one inline import map and the realtime origin', async () => {
    const app = await appWith({});
    const page = await app.inject({ url: '/console/', headers: { host: 'console.test:8080' } });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("connect-src 'self' ws://console.test:8081");
    expect(csp).not.toContain('unsafe-inline');
    const config = await app.inject({ url: '/console/config.json', headers: { host: 'console.test:8080' } });
    expect(config.json()).toEqual({ ws_url: 'ws://console.test:8081/ws/v1' });
    expect((await app.inject({ url: '/console' })).headers.location).toBe('/console/');
  });

  it('serve the vendor modules and static files, and nothing outside the console folder', async () => {
    const app = await appWith({});
    const preact = await app.inject({ url: '/console/vendor/preact.mjs' });
    expect(preact.statusCode).toBe(200);
    expect(preact.headers['content-type']).toContain('text/javascript');
    expect((await app.inject({ url: '/console/vendor/other.mjs' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/console/main.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/console/../package.json' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/console/%2e%2e/package.json' })).statusCode).toBe(404);
  });

  it('use a configured realtime path on the page’s own origin', async () => {
    const app = await appWith({ wsUrl: '/ws/v1' });
    const config = await app.inject({ url: '/console/config.json' });
    expect(config.json()).toEqual({ ws_url: '/ws/v1' });
    expect(String(config.headers['content-security-policy'])).toContain("connect-src 'self';");
  });

  it('are off, with the docs still on, when the console folder is absent', async () => {
    const app = await appWith({ dir: mkdtempSync(join(tmpdir(), 'no-console-')) });
    expect((await app.inject({ url: '/console/' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/docs' })).statusCode).toBe(200);
  });

  it('are off when the console’s browser modules cannot be resolved from its folder', async () => {
    const dir = mkdtempSync(join('/', 'tmp', 'lone-console-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    const app = await appWith({ dir });
    expect((await app.inject({ url: '/console/' })).statusCode).toBe(404);
  });

  it('refuse a realtime address that is neither a ws URL nor a path', () => {
    expect(() =>
      consoleOptionsFromEnv({ IDP_CONSOLE_DIR: '', IDP_CONSOLE_WS_URL: 'http://x', IDP_WS_PORT: 8081 }),
    ).toThrow(/IDP_CONSOLE_WS_URL/);
  });
});

describe('the API docs page', () => {
  it('loads Swagger UI from the package under a policy without inline scripts', async () => {
    const app = await appWith(undefined);
    const page = await app.inject({ url: '/api/v1/docs' });
    expect(page.body).toContain('/api/v1/docs/swagger-ui-bundle.js');
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect((await app.inject({ url: '/api/v1/docs/swagger-ui-bundle.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/docs/start.js' })).body).toContain('/api/v1/openapi.json');
    // Only the files the page needs: the package's own demo page and its initializer are not served.
    expect((await app.inject({ url: '/api/v1/docs/index.html' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/docs/swagger-initializer.js' })).statusCode).toBe(404);
  });
});
