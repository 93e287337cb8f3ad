// What `npm run cluster` prints once everything is ready: where each thing answers, how to get a token,
// how to stop. Kept apart so its lines can be checked without a cluster.
import type { ClusterSummary } from './local-cluster.js';

const COLUMN = 13;
const row = (label: string, text: string) => `${label.padEnd(COLUMN)}${text}`;

export const READY_LINE = 'the local cluster is ready';

export function welcomeText(summary: ClusterSummary): string {
  const { entry, instances } = summary;
  const restBase = entry.http;
  return [
    READY_LINE,
    '',
    row('NATS', `${summary.natsUrls.join(',')}  (one JetStream cluster, 3 replicas of every stream)`),
    row(
      '',
      `credentials in ${summary.natsCredsDir}: one per service; test.creds may do anything (for the nats CLI)`,
    ),
    row('entry REST', `${restBase}  (each connection goes to the next edge)`),
    row('entry WS', `${entry.ws}  (each connection goes to the next realtime instance)`),
    ...instances.map((i) =>
      row(
        i.name,
        `${i.publicUrl ? `${i.service === 'edge' ? 'REST' : 'WS'} ${i.publicUrl}  ` : ''}probe ${i.probeUrl}`,
      ),
    ),
    '',
    'get a token: TOKEN=$(npm run -s token -- --sub alice --tenant acme --role admin@tenant:acme)',
    `then:        curl -H "Authorization: Bearer $TOKEN" ${restBase}/status`,
    'publish events as a backend of tenant acme: npm run nats:creds -- --tenant acme --out acme.creds',
    '',
    'Ctrl-C stops everything (the cluster keeps no data: its streams live in a temporary directory).',
  ].join('\n');
}
