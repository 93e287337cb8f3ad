// The browser-facing pages (console, API docs) get a strict Content-Security-Policy: scripts and styles
// from this origin only, plus the one inline import map whose SHA-256 the edge computes at start.
import { createHash } from 'node:crypto';

export interface PagePolicy {
  /** Extra `script-src` sources, e.g. `'sha256-…'` of an inline import map. */
  scriptHashes?: readonly string[];
  /** Extra `connect-src` sources, e.g. the realtime origin `ws://host:8081`. */
  connect?: readonly string[];
}

export function contentSecurityPolicy(policy: PagePolicy = {}): string {
  return [
    "default-src 'none'",
    `script-src 'self'${(policy.scriptHashes ?? []).map((h) => ` ${h}`).join('')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${(policy.connect ?? []).map((c) => ` ${c}`).join('')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every console and docs response carries besides the policy. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** `'sha256-…'` sources for each inline `<script type="importmap">` of a page. */
export function inlineImportMapHashes(html: string): string[] {
  const blocks = html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g);
  return [...blocks].map((m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
}
