// Recent operations of the tenant, newest first, each linking to its live view.
import { html } from '../html.js';
import { useLoad } from '../use-load.js';
import { ErrorNotice, formatTime, Loading, StatusBadge, ViewHeading } from './common.js';

export function Operations({ api }) {
  const { data, error, loading } = useLoad(() => api.get('/operations?per_page=100'), [api]);
  const ops = data?.data ?? [];
  return html`<main id="main">
    <${ViewHeading}>Operations<//>
    <${ErrorNotice} error=${error} />
    ${loading && !data && html`<${Loading} what="operations" />`}
    ${data && ops.length === 0 && html`<p>No operations yet.</p>`}
    ${
      ops.length > 0 &&
      html`<table class="list" aria-label="Operations">
      <thead><tr><th scope="col">Operation</th><th scope="col">Kind</th><th scope="col">Target</th>
        <th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Created</th></tr></thead>
      <tbody>${ops.map(
        (op) => html`<tr key=${op.id}>
          <th scope="row"><a href=${`#/operations/${op.id}`}>${op.id}</a></th>
          <td>${op.kind}</td><td>${op.target.type} ${op.target.id}</td>
          <td><${StatusBadge} status=${op.status} /></td><td>${op.progress} %</td>
          <td>${formatTime(op.created_at)}</td>
        </tr>`,
      )}</tbody>
    </table>`
    }
  </main>`;
}
