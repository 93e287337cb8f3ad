// The web console in real headless Chromium against a whole system: sign in, applications, a deploy
// followed live across a realtime restart (no event lost or shown twice), keyboard use, resources and
// rate-limit headroom, the API's error for a bad token, and the API docs page. Screenshots of each step
// go to the test output directory printed at the start.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventMessage, RealtimeClient } from '@idp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type ApiClient,
  adminToken,
  apiClient,
  type System,
  startSystem,
  waitForOperation,
} from '../system.js';
import { type ConsoleBrowser, launchBrowser, type Page } from './browser.js';
import { Steps, shownSeqs, signIn, tabTo } from './console-page.js';

let system: System;
let browser: ConsoleBrowser;
let page: Page;
let token: string;
let api: ApiClient;
let appId: string;
const steps = new Steps(mkdtempSync(join(tmpdir(), 'idp-console-shots-')));

beforeAll(async () => {
  // Stages long enough that killing realtime after the first progress event lands mid-deploy.
  [system, browser] = await Promise.all([startSystem({ stageMs: 1000 }), launchBrowser()]);
  token = await adminToken('acme');
  api = apiClient(system.baseUrl, token);
  const team = await api.post('/teams', { name: 'web' });
  const app = await api.post('/applications', { name: 'storefront', team_id: team.body.data.id });
  appId = app.body.data.id;
  await api.put(`/applications/${appId}/desired-state`, {
    version: 'v1.0.0',
    replicas: 2,
    env: { LOG_LEVEL: 'info' },
  });
  const db = await api.post('/resources/databases', {
    name: 'orders',
    team_id: team.body.data.id,
    tier: 'free',
    spec: { engine: 'postgres', size: 's', storage_gb: 10 },
  });
  expect(db.status, JSON.stringify(db.body)).toBe(202);
  page = await browser.newPage();
  process.stdout.write(`console screenshots: ${steps.dir}\n`);
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('the web console', () => {
  it('signs in with a token and lists the applications', async () => {
    await signIn(page, system.baseUrl, token);
    await expect(
      page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor(),
    ).resolves.toBeUndefined();
    const row = page.locator(`tr[data-app="${appId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('storefront');
    expect(await row.textContent()).toContain('v1.0.0');
    // The credential lives in this tab's session storage, never in the address.
    expect(page.url()).not.toContain(token);
    expect(await page.evaluate(() => sessionStorage.getItem('idp.console.credential'))).toContain(token);
    await steps.shot(page, 'applications');
  });

  it('shows an application’s desired and actual state and their diff', async () => {
    await page.getByRole('link', { name: 'storefront' }).click();
    await page.getByRole('heading', { level: 1, name: 'storefront' }).waitFor();
    const desired = page.getByRole('region', { name: 'Desired state' });
    expect(await desired.textContent()).toContain('v1.0.0');
    expect(await page.getByRole('region', { name: 'Actual state' }).textContent()).toContain('None yet');
    await page.locator('[data-in-sync="false"]').waitFor();
    expect(await page.getByRole('region', { name: 'Diff' }).textContent()).toContain('/version');
    await steps.shot(page, 'application');
  });

  it('follows a deploy live to 100 % across a realtime restart, every event once', async () => {
    await page.getByRole('button', { name: /^Deploy v1\.0\.0/ }).click();
    await page.locator('[data-live="live"]').waitFor();
    const operationId = page.url().split('#/operations/')[1]!;
    expect(operationId).toMatch(/^op_/);
    // Mid-deploy: the first progress event is on screen, the operation still runs.
    await page.locator('.log > li[data-event="progress_updated"]').first().waitFor();
    await steps.shot(page, 'deploy-live');
    await system.services.realtime!.kill();
    const beforeRestart = await shownSeqs(page);
    await page.locator('[data-live="reconnecting"]').waitFor();
    await steps.shot(page, 'deploy-reconnecting');
    await system.startService('realtime');
    await page.locator('[data-live="closed"]').waitFor({ timeout: 60_000 });
    await page.locator('.badge-succeeded').first().waitFor();
    expect(await page.locator('#op-progress').getAttribute('value')).toBe('100');
    await steps.shot(page, 'deploy-done');

    const connections = Number(await page.locator('[data-live]').getAttribute('data-connections'));
    expect(connections).toBeGreaterThanOrEqual(2);
    const shown = await shownSeqs(page);
    expect(shown.length).toBeGreaterThan(beforeRestart.length);
    expect(shown.slice(0, beforeRestart.length)).toEqual(beforeRestart);
    // Exactly the events the stream holds for the operation, each once, in order.
    expect(shown).toEqual(await streamSeqs(`operation:${operationId}:progress`));
    expect((await waitForOperation(api, operationId)).status).toBe('succeeded');
  });

  it('can be used with the keyboard alone', async () => {
    await page.goto(`${system.baseUrl}/console/#/operations`);
    await page.getByRole('heading', { level: 1, name: 'Operations' }).waitFor();
    await page.locator('body').focus();
    await tabTo(page, /^Applications$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    // The view's heading takes focus, so the next Tab starts in the content, on the app's link.
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1', undefined, { timeout: 5_000 });
    await tabTo(page, /^storefront$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'storefront' }).waitFor();
    await page.locator('[data-in-sync="true"]').waitFor();
    // One deploy in the history: nothing to roll back to, so the button is disabled and unreachable.
    expect(await page.getByRole('button', { name: 'Roll back' }).isDisabled()).toBe(true);
    await steps.shot(page, 'keyboard');
  });

  it('shows resources by type and the rate-limit headroom', async () => {
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByRole('heading', { level: 1, name: 'Resources' }).waitFor();
    const table = page.getByRole('table', { name: 'Databases' });
    expect(await table.textContent()).toContain('orders');
    await page.getByRole('link', { name: 'Caches' }).click();
    await page.getByText('None of this type yet.').waitFor();
    const headroom = page.locator('.headroom[data-remaining]');
    const remaining = Number(await headroom.getAttribute('data-remaining'));
    const limit = Number(await headroom.getAttribute('data-limit'));
    expect(limit).toBeGreaterThan(0);
    expect(remaining).toBeLessThan(limit);
    expect(await headroom.textContent()).toMatch(/\d+\/\d+ left \(per_user\)/);
    await steps.shot(page, 'resources');
  });

  it('shows the API’s error for a bad token and keeps the user signed out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, system.baseUrl, 'not-a-valid-token');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('UNAUTHENTICATED');
    expect(await page.evaluate(() => sessionStorage.getItem('idp.console.credential'))).toBeNull();
    await steps.shot(page, 'bad-token');
  });

  it('signed in with an API key, rolls back and follows the rollback by polling', async () => {
    await api.put(`/applications/${appId}/desired-state`, { version: 'v2.0.0', replicas: 2 });
    const v2 = await api.post(`/applications/${appId}/deploy`, {});
    expect((await waitForOperation(api, v2.body.data.operation_id)).status).toBe('succeeded');
    const key = await api.post('/api-keys', {
      name: 'console',
      roles: [{ role: 'admin', scope: 'tenant:acme' }],
    });
    expect(key.status, JSON.stringify(key.body)).toBe(201);

    await signIn(page, system.baseUrl, key.body.data.key, 'api_key');
    await page.getByRole('link', { name: 'storefront' }).click();
    await page.getByRole('button', { name: 'Roll back' }).click();
    // /ws/v1 takes no API keys: the view says it polls, and still reaches the end.
    await page.locator('[data-live="poll"]').waitFor();
    await page.getByRole('heading', { level: 1, name: /^rollback of application/ }).waitFor();
    await page.locator('#op-progress[value="100"]').waitFor({ timeout: 30_000 });
    await page.locator('main > p .badge-succeeded').waitFor();
    expect(await page.locator('.log > li').count()).toBeGreaterThan(0);
    await steps.shot(page, 'rollback-api-key');
    const app = await api.get(`/applications/${appId}`);
    expect(app.body.data.actual_state.version).toBe('v1.0.0');
  });

  it('renders the OpenAPI document at /api/v1/docs', async () => {
    const docs = await browser.newPage();
    const response = await docs.goto(`${system.baseUrl}/api/v1/docs`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await docs.locator('.swagger-ui .info .title').waitFor();
    expect(await docs.locator('.swagger-ui .info .title').textContent()).toContain('IDP Platform API');
    expect(await docs.locator('.opblock').count()).toBeGreaterThan(20);
    await steps.shot(docs, 'api-docs');
    await docs.close();
  });

  it('ran without a script error or a blocked resource', () => {
    // Failed requests the tests caused on purpose (401s, the killed realtime) are not problems.
    const unexpected = browser.problems.filter(
      (p) => !/Failed to load resource|WebSocket connection to .* failed/.test(p),
    );
    expect(unexpected).toEqual([]);
  });
});

/** The seqs the events stream holds for a topic, read with the SDK from the beginning (bounded). */
async function streamSeqs(topic: string): Promise<number[]> {
  const rt = new RealtimeClient({ url: system.wsUrl, token, WebSocket: WebSocket as never });
  const seqs: number[] = [];
  const done = (async () => {
    for await (const event of rt.events(topic, { since: 0 }) as AsyncIterable<EventMessage>) {
      seqs.push(event.seq);
      if (['operation_completed', 'operation_failed', 'operation_cancelled'].includes(event.event)) break;
    }
  })();
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${topic}: no end event`)), 15_000),
  );
  try {
    await Promise.race([done, timeout]);
  } finally {
    rt.close();
  }
  return seqs;
}
