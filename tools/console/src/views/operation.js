// One operation: a progress bar and log fed by live /ws/v1 events (resumed after a reconnect without
// losing or repeating one), or, signed in with an API key (which /ws/v1 does not take), by polling.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { useOperationFeed } from '../operation-feed.js';
import { ErrorNotice, formatTime, Loading, StatusBadge, ViewHeading } from './common.js';

export function Operation({ api, credential, wsUrl, id }) {
  const feed = useOperationFeed({ api, credential, wsUrl, id });
  const { op, error } = feed;
  if (!op) {
    return html`<main id="main"><${ViewHeading}>Operation ${id}<//>
      <${ErrorNotice} error=${error} />${!error && html`<${Loading} what="the operation" />`}</main>`;
  }
  return html`<main id="main">
    <${ViewHeading}>${op.kind} of ${op.target.type} ${op.target.id}<//>
    <p><${StatusBadge} status=${op.status} /> <span class="muted">${op.id} · started ${formatTime(op.started_at)}</span>
      ${op.target.type === 'application' && html` · <a href=${`#/applications/${op.target.id}`}>open the application</a>`}</p>
    <${ProgressBar} progress=${feed.progress} stage=${feed.stage} />
    <${LiveStatus} status=${feed.live} mode=${feed.mode} />
    <${ErrorNotice} error=${error} />
    ${op.error && html`<p class="error" role="alert">${op.error}</p>`}
    <${Stages} stages=${op.stages} current=${feed.stage} />
    <${Log} entries=${feed.entries} />
  </main>`;
}

function ProgressBar({ progress, stage }) {
  return html`<div class="progress">
    <label for="op-progress">Progress${stage ? ` (${stage})` : ''}</label>
    <progress id="op-progress" max="100" value=${progress} data-progress=${progress}>${progress} %</progress>
    <span aria-hidden="true">${progress} %</span>
  </div>`;
}

const LIVE_TEXT = {
  connecting: 'Connecting to live events…',
  live: 'Live',
  reconnecting: 'Connection lost: reconnecting',
  failed: 'Live events stopped',
  closed: 'Finished',
};

function LiveStatus({ status, mode }) {
  if (mode === 'poll')
    return html`<p class="muted" data-live="poll">Updating every second (API key: no live events).</p>`;
  if (mode !== 'live' || !status) return null;
  const resumed =
    status.connections > 1 && status.resumedFrom !== undefined
      ? `, resumed after event #${status.resumedFrom}`
      : '';
  return html`<p class=${`live live-${status.state}`} role="status" data-live=${status.state}
    data-connections=${status.connections}>
    ${LIVE_TEXT[status.state]}${status.state === 'reconnecting' ? ` (attempt ${status.attempt})` : ''}${resumed}
    ${status.error ? `: ${status.error}` : ''}</p>`;
}

function Stages({ stages, current }) {
  return html`<section aria-label="Stages"><h2>Stages</h2>
    <ol class="stages">${stages.map(
      (s) => html`<li class=${`stage-${s.status}`} aria-current=${s.name === current ? 'step' : undefined}>
        ${s.name} <${StatusBadge} status=${s.status} /></li>`,
    )}</ol></section>`;
}

/** Newest at the bottom; the list keeps itself scrolled to the end while it grows. */
function Log({ entries }) {
  const [box, setBox] = useState(null);
  useEffect(() => {
    if (box) box.scrollTop = box.scrollHeight;
  }, [box, entries.length]);
  return html`<section aria-label="Log"><h2>Log</h2>
    <ol class="log" ref=${setBox} tabindex="0" aria-label="Operation log">${entries.map(
      (e) => html`<li key=${e.key} data-seq=${e.seq} data-event=${e.event} data-progress=${e.progress}>
        <span class="muted">${e.time}</span> ${e.stage ? html`<strong>${e.stage}</strong> ` : ''}${e.message}
        ${e.lines.length > 0 && html`<ul>${e.lines.map((line) => html`<li>${line}</li>`)}</ul>`}
      </li>`,
    )}</ol></section>`;
}
