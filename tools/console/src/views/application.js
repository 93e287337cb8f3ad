// One application: desired against actual state, the diff between them, and deploy / rollback.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { go } from '../router.js';
import { useLoad } from '../use-load.js';
import { ErrorNotice, formatTime, Loading, StatusBadge, ViewHeading } from './common.js';

export function Application({ api, id }) {
  const { data, error, loading } = useLoad(async () => {
    const [app, diff] = await Promise.all([
      api.get(`/applications/${id}`),
      api.get(`/applications/${id}/diff`),
    ]);
    return { app: app.data, diff: diff.data };
  }, [api, id]);
  const [actionError, setActionError] = useState(undefined);
  const [busy, setBusy] = useState(false);

  async function start(action) {
    setBusy(true);
    setActionError(undefined);
    try {
      const { data: accepted } = await api.post(`/applications/${id}/${action}`, {});
      go(`/operations/${accepted.operation_id}`);
    } catch (failure) {
      setActionError(failure);
      setBusy(false);
    }
  }

  if (!data) {
    return html`<main id="main"><${ViewHeading}>Application<//>
      <${ErrorNotice} error=${error} />${loading && html`<${Loading} what="the application" />`}</main>`;
  }
  const { app, diff } = data;
  return html`<main id="main">
    <${ViewHeading}>${app.name}<//>
    <p><${StatusBadge} status=${app.status} /> <span class="muted">${app.id} · team ${app.team_id}</span></p>
    ${
      app.active_operation_id &&
      html`<p>Operation in progress: <a href=${`#/operations/${app.active_operation_id}`}>${app.active_operation_id}</a></p>`
    }
    <div class="actions">
      <button type="button" disabled=${busy || !app.desired_state} onClick=${() => start('deploy')}>
        Deploy ${app.desired_state?.version ?? ''}</button>
      <button type="button" class="secondary" disabled=${busy || app.deployment_history.length < 2}
        onClick=${() => start('rollback')}>Roll back</button>
    </div>
    <${ErrorNotice} error=${actionError} />
    <div class="columns">
      <${StateTable} title="Desired state" state=${app.desired_state} />
      <${StateTable} title="Actual state" state=${app.actual_state} />
    </div>
    <${Diff} diff=${diff} />
  </main>`;
}

function StateTable({ title, state }) {
  const rows = state
    ? [
        ['Version', state.version],
        ['Replicas', state.replicas],
        ...Object.entries(state.env ?? {}).map(([k, v]) => [`env ${k}`, v]),
        ...(state.deployed_at ? [['Deployed', formatTime(state.deployed_at)]] : []),
      ]
    : [];
  return html`<section aria-label=${title}>
    <h2>${title}</h2>
    ${
      state
        ? html`<table class="kv"><tbody>${rows.map(
            ([k, v]) => html`<tr><th scope="row">${k}</th><td>${String(v)}</td></tr>`,
          )}</tbody></table>`
        : html`<p class="muted">None yet.</p>`
    }
  </section>`;
}

function Diff({ diff }) {
  return html`<section aria-label="Diff">
    <h2>Diff</h2>
    ${
      diff.in_sync
        ? html`<p class="ok" data-in-sync="true">In sync: what runs is what is desired.</p>`
        : html`<ul class="diff" data-in-sync="false">${diff.changes.map(
            (c) => html`<li class=${`diff-${c.kind}`}>${diffLine(c)}</li>`,
          )}</ul>`
    }
  </section>`;
}

/** `/version changed: running "v1" → desired "v2"` (one text run: htm drops spaces at line breaks). */
const diffLine = (c) =>
  `${c.path} ${c.kind}: running ${JSON.stringify(c.actual) ?? '—'} → desired ${JSON.stringify(c.desired) ?? '—'}`;
