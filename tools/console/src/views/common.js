// Small pieces shared by the views: headings that take focus on navigation, errors, empty states.
import { useLayoutEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';

/** The view's title; focused when the view opens, so keyboard and screen-reader users land on it. */
export function ViewHeading({ children }) {
  const ref = useRef(null);
  useLayoutEffect(() => ref.current?.focus(), []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

/** An API refusal shown with its code and message, as the API sent them. */
export function ErrorNotice({ error }) {
  if (!error) return null;
  const code = error.code ?? 'ERROR';
  return html`<div class="error" role="alert"><strong>${code}</strong>: ${error.message}</div>`;
}

export function Loading({ what }) {
  return html`<p class="muted" aria-live="polite">Loading ${what}…</p>`;
}

export const formatTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

export function StatusBadge({ status }) {
  return html`<span class="badge badge-${status}">${status}</span>`;
}
