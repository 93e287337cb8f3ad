// The tenant's applications: name, status, and desired against running version.
import { html } from '../html.js';
import { useLoad } from '../use-load.js';
import { ErrorNotice, Loading, StatusBadge, ViewHeading } from './common.js';

export function Applications({ api }) {
  const { data, error, loading } = useLoad(() => api.get('/applications?per_page=200'), [api]);
  const apps = data?.data ?? [];
  return html`<main id="main">
    <${ViewHeading}>Applications<//>
    <${ErrorNotice} error=${error} />
    ${loading && !data && html`<${Loading} what="applications" />`}
    ${data && apps.length === 0 && html`<p>No applications yet.</p>`}
    ${
      apps.length > 0 &&
      html`<table class="list" aria-label="Applications">
      <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Desired</th>
        <th scope="col">Running</th></tr></thead>
      <tbody>
        ${apps.map(
          (app) => html`<tr key=${app.id} data-app=${app.id}>
            <th scope="row"><a href=${`#/applications/${app.id}`}>${app.name}</a></th>
            <td><${StatusBadge} status=${app.status} /></td>
            <td>${app.desired_state?.version ?? '—'}</td>
            <td>${app.actual_state?.version ?? '—'}</td>
          </tr>`,
        )}
      </tbody>
    </table>`
    }
  </main>`;
}
