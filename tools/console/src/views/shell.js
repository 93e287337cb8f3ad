// The frame around every view: skip link, navigation, who is signed in, and the rate-limit headroom.
import { html } from '../html.js';

const NAV = [
  ['applications', '#/applications', 'Applications'],
  ['operations', '#/operations', 'Operations'],
  ['resources', '#/resources/databases', 'Resources'],
];

const SECTION = { application: 'applications', operation: 'operations' };

export function Shell({ route, me, headroom, onSignOut, children }) {
  const section = SECTION[route.view] ?? route.view;
  return html`<a class="skip" href="#main" onClick=${skipToMain}>Skip to content</a>
    <header class="top">
      <span class="brand">IDP console</span>
      <nav aria-label="Main">
        <ul>
          ${NAV.map(
            ([view, href, label]) =>
              html`<li><a href=${href} aria-current=${section === view ? 'page' : undefined}>${label}</a></li>`,
          )}
          <li><a href="/api/v1/docs">API docs</a></li>
        </ul>
      </nav>
      <${Headroom} headroom=${headroom} />
      <span class="who">${me.display_name ?? me.id} · ${me.tenant_id}${' '}
        <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button></span>
    </header>
    ${children}`;
}

function skipToMain(event) {
  event.preventDefault();
  /** @type {HTMLElement | null} */ (document.querySelector('#main h1'))?.focus();
}

/** How much of the caller's rate limit is left, from the last answer's RateLimit headers. */
function Headroom({ headroom }) {
  if (!headroom) return html`<span class="headroom muted">Rate limit: —</span>`;
  const { policy, remaining, limit, resetS } = headroom;
  const text = limit
    ? `${remaining}/${limit} left (${policy}), ${resetS} s to reset`
    : `${remaining} left (${policy}), ${resetS} s to reset`;
  return html`<span class="headroom" data-remaining=${remaining} data-limit=${limit}>
    <label for="headroom-meter">Rate limit</label>
    <meter id="headroom-meter" min="0" max=${limit ?? remaining} low=${(limit ?? remaining) * 0.2}
      optimum=${limit ?? remaining} value=${remaining} aria-describedby="headroom-text"></meter>
    <span id="headroom-text">${text}</span>
  </span>`;
}
