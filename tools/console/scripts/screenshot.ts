// One-off: the README's screenshot of the console (docs/console.png), taken against a running system
// (`npm start`): creates a demo application, deploys it and captures the operation view mid-deploy.
//   TOKEN=$(npm run -s token -- --sub alice --tenant acme --role admin@tenant:acme)
//   IDP_TOKEN=$TOKEN npm run -w @idp/console screenshot [-- <out.png>]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const apiUrl = process.env.IDP_API_URL ?? 'http://127.0.0.1:8080';
const token = process.env.IDP_TOKEN;
const out = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', '..', 'docs', 'console.png'));
if (!token) {
  process.stderr.write(
    'set IDP_TOKEN to an admin token (npm run -s token -- --sub alice --tenant acme --role admin@tenant:acme)\n',
  );
  process.exit(2);
}

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${apiUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const envelope = await response.json();
  if (!envelope.success)
    throw new Error(`${method} ${path}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.data;
}

const suffix = Date.now().toString(36);
const team = await call('POST', '/teams', { name: `web-${suffix}` });
const app = await call('POST', '/applications', { name: `storefront-${suffix}`, team_id: team.id });
await call('PUT', `/applications/${app.id}/desired-state`, {
  version: 'v1.4.2',
  replicas: 3,
  env: { LOG_LEVEL: 'info', FEATURE_CHECKOUT: 'on' },
});

const profile = mkdtempSync(join(tmpdir(), 'idp-console-shot-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  viewport: { width: 1200, height: 760 },
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${apiUrl}/console/`);
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: app.name }).click();
  await page.getByRole('button', { name: /^Deploy/ }).click();
  // Mid-deploy: half the stages done, the live log filling up.
  await page.waitForFunction(
    () => Number(document.querySelector('#op-progress')?.getAttribute('value')) >= 50,
  );
  await page.screenshot({ path: out });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
