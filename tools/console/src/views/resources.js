// Resources by type (databases, caches, git repositories, CI pipelines), one tab per type.
import { html } from '../html.js';
import { useLoad } from '../use-load.js';
import { ErrorNotice, Loading, StatusBadge, ViewHeading } from './common.js';

const TYPES = [
  ['databases', 'Databases'],
  ['caches', 'Caches'],
  ['git-repositories', 'Git repositories'],
  ['ci-pipelines', 'CI pipelines'],
];

export function Resources({ api, type = 'databases' }) {
  const known = TYPES.some(([t]) => t === type);
  const { data, error, loading } = useLoad(
    () => (known ? api.get(`/resources/${type}?per_page=200`) : Promise.resolve({ data: [] })),
    [api, type],
  );
  const items = data?.data ?? [];
  return html`<main id="main">
    <${ViewHeading}>Resources<//>
    <nav aria-label="Resource types"><ul class="tabs">${TYPES.map(
      ([t, label]) =>
        html`<li><a href=${`#/resources/${t}`} aria-current=${t === type ? 'page' : undefined}>${label}</a></li>`,
    )}</ul></nav>
    ${!known && html`<p role="alert">Unknown resource type “${type}”.</p>`}
    <${ErrorNotice} error=${error} />
    ${loading && !data && html`<${Loading} what="resources" />`}
    ${data && known && items.length === 0 && html`<p>None of this type yet.</p>`}
    ${
      items.length > 0 &&
      html`<table class="list" aria-label=${TYPES.find(([t]) => t === type)[1]}>
      <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Tier</th>
        <th scope="col">Spec</th></tr></thead>
      <tbody>${items.map(
        (r) => html`<tr key=${r.id} data-resource=${r.id}>
          <th scope="row">${r.name}</th><td><${StatusBadge} status=${r.status} /></td><td>${r.tier ?? '—'}</td>
          <td><code>${JSON.stringify(r.spec)}</code></td>
        </tr>`,
      )}</tbody>
    </table>`
    }
  </main>`;
}
