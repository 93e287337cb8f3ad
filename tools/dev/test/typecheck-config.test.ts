// `npm test` typechecks every project in one program (tsconfig.check.json) instead of once per project.
// That is only sound while the one program covers what each project's own tsconfig.json checks, with
// the same options: this test fails when a project checks a folder the root config leaves out, or sets
// an option of its own. The console's browser modules are the exception: JavaScript checked against the
// DOM's types, not Node's, by a program of their own (`npm test` runs it right after the shared one).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
/** Projects `npm test` typechecks with their own tsconfig.json (tools/dev/test.mjs). */
const OWN_PROGRAM = ['tools/console'];

const projectDirs = [
  ...['libs', 'services', 'tools'].flatMap((group) =>
    readdirSync(join(root, group)).map((name) => `${group}/${name}`),
  ),
  'e2e',
]
  .filter((dir) => !OWN_PROGRAM.includes(dir))
  .filter((dir) => {
    try {
      readFileSync(join(root, dir, 'tsconfig.json'));
      return true;
    } catch {
      return false;
    }
  });

describe('tsconfig.check.json', () => {
  const check = readJson('tsconfig.check.json');

  it.each(projectDirs)('covers every folder %s typechecks, with the same options', (dir) => {
    const own = readJson(`${dir}/tsconfig.json`);
    expect(own.extends).toMatch(/tsconfig\.base\.json$/);
    expect(own.compilerOptions ?? {}).toEqual({ noEmit: true });
    const group = dir.split('/')[0];
    for (const glob of own.include as string[]) {
      // `libs/<name>/src/**/*.ts` is covered by `libs/*/src/**/*.ts`.
      const covered = dir === 'e2e' ? `e2e/${glob}` : `${group}/*/${glob}`;
      expect(check.include, `${dir}: ${glob}`).toContain(covered);
    }
  });

  it('leaves to their own program only the projects npm test typechecks that way', () => {
    const runner = readFileSync(join(root, 'tools/dev/test.mjs'), 'utf8');
    for (const dir of OWN_PROGRAM) {
      expect(runner).toContain(`'${dir}/tsconfig.json'`);
      expect(check.include.some((glob: string) => glob.startsWith(`${dir}/`))).toBe(false);
    }
  });

  it('adds no option of its own to the base config', () => {
    expect(check.extends).toBe('./tsconfig.base.json');
    expect(check.compilerOptions).toEqual({ noEmit: true });
  });
});
