import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@idp/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { StartFailure, waitUntilDone, waitUntilReady } from './readiness.js';
import { spawnProcess } from './service-process.js';

const root = new URL('../../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'idp-cluster-readiness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that prints a few lines, then exits with `code` (run from the root, where tsx is). */
function failing(name: string, code: number) {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(
    entry,
    `console.log('line one');\nconsole.error('cannot reach NATS');\nprocess.exit(${code});\n`,
  );
  const lines: string[] = [];
  const started = spawnProcess({ name, entry, env: { PATH: process.env.PATH ?? '' }, cwd: root }, (line) =>
    lines.push(line),
  );
  return { started, lines };
}

describe('a failed start', () => {
  it('names the process that exited before it was ready, with its last lines', async () => {
    const { started, lines } = failing('edge-2', 3);
    const error = await waitUntilReady(started, `http://127.0.0.1:${await freePort()}/readyz`, 30_000).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartFailure);
    expect((error as StartFailure).processName).toBe('edge-2');
    expect((error as Error).message).toContain('edge-2 exited (exit 3) before it was ready');
    expect((error as Error).message).toContain('the last lines of edge-2:\n  line one\n  cannot reach NATS');
    expect(lines).toEqual(['line one', 'cannot reach NATS']);
  });

  it('names a one-shot step that exits with an error', async () => {
    const { started } = failing('setup', 1);
    await expect(waitUntilDone(started, 30_000)).rejects.toThrow(
      /^setup failed \(exit 1\)\nthe last lines of setup:/,
    );
  });
});
