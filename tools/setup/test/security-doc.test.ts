import { readFile } from 'node:fs/promises';
import { renderPermissionTable } from '@idp/nats-auth';
import { describe, expect, it } from 'vitest';
import { SECURITY_DOC } from '../src/security-doc.js';

describe('docs/security.md', () => {
  it('shows the permission table the NATS users are made from (npm run docs:security)', async () => {
    expect(await readFile(SECURITY_DOC, 'utf8')).toContain(renderPermissionTable());
  });
});
