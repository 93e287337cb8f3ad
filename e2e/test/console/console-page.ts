// What the console tests do to the page, named for the user's action: sign in, open a view, read the
// live log. Selectors are the page's accessible names and its data-* attributes.
import type { Page } from 'playwright-core';

/** Each step's screenshot goes here (the test output), named `NN-step.png`. */
export class Steps {
  private count = 0;
  constructor(readonly dir: string) {}
  async shot(page: Page, name: string) {
    this.count += 1;
    await page.screenshot({ path: `${this.dir}/${String(this.count).padStart(2, '0')}-${name}.png` });
  }
}

export async function signIn(
  page: Page,
  baseUrl: string,
  credential: string,
  kind: 'token' | 'api_key' = 'token',
) {
  await page.goto(`${baseUrl}/console/`);
  await page.getByRole('radio', { name: kind === 'token' ? /Bearer token/ : /API key/ }).check();
  await page.getByRole('textbox', { name: kind === 'token' ? 'Token' : 'API key' }).fill(credential);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The seqs of the live log's entries, in the order the page shows them. */
export async function shownSeqs(page: Page): Promise<number[]> {
  return page
    .locator('.log > li[data-seq]')
    .evaluateAll((items) => items.map((li) => Number(li.dataset.seq)));
}

/** Presses Tab until the focused element's text matches (at most `limit` presses). */
export async function tabTo(page: Page, text: RegExp, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (text.test(focused)) return;
  }
  throw new Error(`no element matching ${text} reached with ${limit} Tab presses`);
}
