// The permission table of docs/security.md, rendered from the same table the user JWTs are made
// from (`npm run docs:security` writes it; a test fails when the document differs).
import { SERVICE_PERMISSIONS, tenantPublisherPermissions, type UserPermissions } from './service-users.js';

export const TABLE_START = '<!-- permission-table:start (npm run docs:security) -->';
export const TABLE_END = '<!-- permission-table:end -->';

const code = (subjects: string[]) => subjects.map((s) => `\`${s}\``).join('<br>');

/** JetStream API subjects are long and many: shown grouped by stream so the table stays readable. */
function summarise(subjects: string[]): string[] {
  const verbsByStream = new Map<string, Set<string>>();
  const plain: string[] = [];
  for (const subject of subjects) {
    const stream = /\.((?:KV_|IDP_)[A-Z_]+)(?:\.|$)/.exec(subject)?.[1];
    if (!subject.startsWith('$JS.') || !stream) {
      plain.push(subject);
      continue;
    }
    const verb = subject
      .replace(`.${stream}`, '')
      .replace(/(\.[*>])+$/, '')
      .replace(/^\$JS\.API\./, '');
    verbsByStream.set(stream, (verbsByStream.get(stream) ?? new Set()).add(verb));
  }
  return [...plain, ...[...verbsByStream].map(([stream, verbs]) => `${stream}: ${[...verbs].join(', ')}`)];
}

function row(user: string, p: UserPermissions): string {
  const publish = summarise(p.publish);
  return `| \`${user}\` | ${p.purpose} | ${code(publish)} | ${code(p.subscribe)} | ${p.respond ? 'yes' : 'no'} |`;
}

export function renderPermissionTable(): string {
  return [
    TABLE_START,
    '| NATS user | what for | may publish (JetStream API grouped by stream) | may subscribe | answers requests |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(SERVICE_PERMISSIONS).map(([user, p]) => row(user, p)),
    row('pub_<tenant>', tenantPublisherPermissions('<tenant>')),
    TABLE_END,
  ].join('\n');
}

/** `document` with its table replaced by the current one (or appended when it has none). */
export function withPermissionTable(document: string): string {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start < 0 || end < 0) return `${document.trimEnd()}\n\n${renderPermissionTable()}\n`;
  return document.slice(0, start) + renderPermissionTable() + document.slice(end + TABLE_END.length);
}
