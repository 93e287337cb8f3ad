// `npm run docs:security`: writes the NATS permission table into docs/security.md from the table the
// user JWTs are made from. tools/setup/test/security-doc.test.ts fails when the document is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { withPermissionTable } from '@idp/nats-auth';

export const SECURITY_DOC = new URL('../../../docs/security.md', import.meta.url).pathname;

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(SECURITY_DOC, withPermissionTable(await readFile(SECURITY_DOC, 'utf8')));
  process.stdout.write(`updated the permission table in ${SECURITY_DOC}\n`);
}
