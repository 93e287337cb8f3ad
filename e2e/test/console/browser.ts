// Headless Chromium (Debian's package) driven by playwright-core for the console tests. Missing
// Chromium is installed with apt-get when running as root; otherwise the tests fail saying how.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's chromium when absent (root only); throws with the command to run otherwise. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the console tests need Chromium at ${CHROMIUM}: install it with 'sudo apt-get install -y chromium' ` +
        '(or set CHROMIUM_PATH to a Chromium binary)',
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 300_000 });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env, timeout: 600_000 });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
}

export interface ConsoleBrowser {
  context: BrowserContext;
  /** A fresh page that records console errors and page errors into `problems`. */
  newPage(): Promise<Page>;
  problems: string[];
  close(): Promise<void>;
}

/** A fresh profile per launch (`--user-data-dir` in a temp dir), removed on close. */
export async function launchBrowser(): Promise<ConsoleBrowser> {
  ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'idp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    timeout: 60_000,
  });
  const problems: string[] = [];
  const newPage = async () => {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.setDefaultTimeout(20_000);
    return page;
  };
  return {
    context,
    newPage,
    problems,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser, Page };
