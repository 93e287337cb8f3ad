// The module-boundary check: its rules, the tags every project must carry, and a deliberate bad import
// in a workspace on disk, declared or not. (`npm test` runs the check itself over this repository: `npm run lint:boundaries`.)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWorkspace, type WorkspaceGraph } from '../src/boundaries/check.js';
import { importsOf } from '../src/boundaries/imports.js';
import { forbiddenDependency, missingTags, type Project } from '../src/boundaries/rules.js';

const project = (name: string, type: string, root = name): Project => ({
  name,
  root,
  tags: [`type:${type}`, `scope:${name.split('/').pop()}`],
});
const lib = project('@idp/nats', 'lib');
const otherLib = project('@idp/contracts', 'lib');
const edge = project('@idp/edge', 'service');
const auth = project('@idp/auth', 'service');
const e2e = project('@idp/e2e', 'e2e');
const tool = project('@idp/bench', 'tool');

describe('boundary rules', () => {
  it('lets services, tools and e2e use libraries, and libraries each other', () => {
    for (const from of [lib, edge, tool, e2e]) expect(forbiddenDependency(from, otherLib)).toBeUndefined();
  });

  it('refuses a library importing a service, and a service importing another', () => {
    expect(forbiddenDependency(lib, edge)).toMatch(/library must not import a service/);
    expect(forbiddenDependency(edge, auth)).toMatch(/over NATS only/);
  });

  it('refuses anything importing the e2e suite or a tool', () => {
    for (const from of [lib, edge, tool]) {
      expect(forbiddenDependency(from, e2e)).toMatch(/e2e suite/);
      expect(forbiddenDependency(from, project('@idp/setup', 'tool'))).toMatch(/a tool/);
    }
  });

  it('refuses a project without a type tag', () => {
    expect(forbiddenDependency({ name: 'x', root: 'x', tags: [] }, lib)).toMatch(/no type:… tag/);
  });
});

describe('tags every project carries', () => {
  it('wants a type and a scope tag, and names what is missing', () => {
    expect(missingTags(edge)).toBeUndefined();
    expect(missingTags({ ...edge, tags: ['type:service'] })).toMatch(/@idp\/edge has no scope:<name> tag/);
    expect(missingTags({ ...edge, tags: ['scope:edge', 'type:server'] })).toMatch(
      /no type:lib\|service\|e2e\|tool tag/,
    );
    expect(missingTags({ ...edge, tags: [] })).toMatch(/no type:.* and no scope:<name> tag/);
  });
});

describe('imports of a file', () => {
  it('finds static, re-exported and dynamic imports, not comments or strings', () => {
    const text = [
      "import { a } from '@idp/a';",
      "export { b } from '@idp/b';",
      "const c = await import('@idp/c');",
      "// import { d } from '@idp/d';",
      'const e = "import \'@idp/e\'";',
    ].join('\n');
    expect(importsOf(text).sort()).toEqual(['@idp/a', '@idp/b', '@idp/c']);
  });
});

describe('a workspace with a deliberate bad import', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function workspace(files: Record<string, string>): string {
    dir = mkdtempSync(join(tmpdir(), 'idp-boundaries-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  const graph = (declared: Record<string, string[]> = {}): WorkspaceGraph => ({
    projects: [
      project('@t/lib', 'lib', 'libs/lib'),
      project('@t/edge', 'service', 'services/edge'),
      project('@t/auth', 'service', 'services/auth'),
    ],
    declared,
  });

  it('names the file of an import the package.json does not declare', () => {
    const root = workspace({
      'libs/lib/src/index.ts': "import { serve } from '@t/edge/server';\nexport const x = serve;\n",
      'services/edge/src/server.ts': "import { x } from '@t/lib';\nexport const serve = x;\n",
      'services/auth/src/main.ts': "import '@t/lib';\n",
    });
    expect(checkWorkspace(root, graph())).toEqual([
      {
        from: '@t/lib',
        to: '@t/edge',
        where: 'libs/lib/src/index.ts',
        reason: 'a library must not import a service',
      },
    ]);
  });

  it('names the package.json of a declared dependency on another service, and skips build output', () => {
    const root = workspace({
      'services/auth/src/main.ts': 'export const ok = 1;\n',
      'services/auth/dist/main.js': "import '@t/edge';\n",
      'services/auth/node_modules/x/index.js': "import '@t/edge';\n",
    });
    expect(checkWorkspace(root, graph({ '@t/auth': ['@t/edge', '@t/lib'] }))).toEqual([
      expect.objectContaining({ from: '@t/auth', to: '@t/edge', where: 'services/auth/package.json' }),
    ]);
  });

  it('names the package.json of a project that lacks its scope tag', () => {
    const root = workspace({ 'libs/lib/src/index.ts': 'export const x = 1;\n' });
    const untagged = graph();
    untagged.projects[0] = { ...untagged.projects[0]!, tags: ['type:lib'] };
    expect(checkWorkspace(root, untagged)).toEqual([
      {
        from: '@t/lib',
        where: 'libs/lib/package.json',
        reason: expect.stringMatching(/no scope:<name> tag/),
      },
    ]);
  });

  it('passes a workspace that keeps to the rules', () => {
    const root = workspace({
      'libs/lib/src/index.ts': 'export const x = 1;\n',
      'services/edge/src/main.ts': "import { x } from '@t/lib';\nconsole.log(x);\n",
    });
    expect(checkWorkspace(root, graph({ '@t/edge': ['@t/lib'] }))).toEqual([]);
  });
});
