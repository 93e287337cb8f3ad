// One-off (not a test): renders a terminal screen captured with `tmux capture-pane -p -e` (colours as
// ANSI sequences) to a PNG in headless Chromium, for the README's screenshot (docs/cli.png).
//
//   IDP_CLI_CAPTURE=/tmp/cli.txt npx vitest run test/cli/cli.test.ts -t tmux   (in e2e/)
//   node tools/cli/scripts/render-capture.mjs /tmp/cli.txt docs/cli.png '$ idp deploy … --follow'
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [input, output, prompt] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: node render-capture.mjs <capture.txt> <out.png> [prompt line]\n');
  process.exit(2);
}

const COLORS = {
  30: '#1e1e1e',
  31: '#f14c4c',
  32: '#23d18b',
  33: '#e5c07b',
  34: '#3b8eea',
  35: '#d670d6',
  36: '#29b8db',
  37: '#e5e5e5',
};
const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** ANSI SGR sequences (bold, dim, the 8 colours, resets) to styled spans; anything else is dropped. */
function toHtml(text) {
  const style = { bold: false, dim: false, color: undefined };
  let html = '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are the input
  for (const part of text.split(/(\x1b\[[0-9;]*[A-Za-z])/)) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are the input
    const sgr = /^\x1b\[([0-9;]*)m$/.exec(part);
    if (sgr) {
      for (const code of (sgr[1] || '0').split(';').map(Number)) {
        if (code === 0) Object.assign(style, { bold: false, dim: false, color: undefined });
        else if (code === 1) style.bold = true;
        else if (code === 2) style.dim = true;
        else if (code === 22) Object.assign(style, { bold: false, dim: false });
        else if (code === 39) style.color = undefined;
        else if (COLORS[code]) style.color = COLORS[code];
        else if (code >= 90 && code <= 97) style.color = COLORS[code - 60];
      }
      continue;
    }
    if (part.startsWith('\x1b') || !part) continue;
    const css = [
      style.bold && 'font-weight:bold',
      style.dim && 'opacity:.55',
      style.color && `color:${style.color}`,
    ].filter(Boolean);
    html += css.length ? `<span style="${css.join(';')}">${escapeHtml(part)}</span>` : escapeHtml(part);
  }
  return html;
}

const screen = readFileSync(input, 'utf8').replace(/\s+$/, '');
const promptHtml = prompt ? `<span style="color:#23d18b">${escapeHtml(prompt)}</span>\n` : '';
const page = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#101418">
<pre id="t" style="display:inline-block;margin:0;padding:18px 22px;font:14px/1.35 'DejaVu Sans Mono',monospace;color:#d4d4d4;background:#101418">${promptHtml}${toHtml(screen)}</pre>`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const tab = await browser.newPage({ deviceScaleFactor: 1 });
  await tab.setContent(page);
  await tab.locator('#t').screenshot({ path: output });
} finally {
  await browser.close();
}
process.stdout.write(`wrote ${output}\n`);
