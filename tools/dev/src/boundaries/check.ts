// The module-boundary check of `npm test`: every project carries its type and scope tags, and every
// dependency between projects, declared (the Nx graph, from package.json) or only imported in a source
// file, must be allowed by rules.ts.
//
// Why not only the Nx graph: in an npm-workspaces repository Nx records the dependencies a package.json
// declares, while Node resolves any `@idp/*` import through the workspace's node_modules links whether
// declared or not; an undeclared import of a service would go unseen. So the source is read too.
import { type FileImport, projectImports } from './imports.js';
import { forbiddenDependency, missingTags, type Project } from './rules.js';

export interface Violation {
  from: string;
  /** The project depended on; none when the project itself breaks a rule (its tags). */
  to?: string;
  /** Where: `package.json` for a declared dependency, else the importing file. */
  where: string;
  reason: string;
}

export interface WorkspaceGraph {
  projects: Project[];
  /** Declared dependencies between projects (source → targets), as in `nx graph --file`. */
  declared: Record<string, string[]>;
}

/** The project a bare specifier names (`@idp/nats/testing` → `@idp/nats`), if it is one of ours. */
function projectOf(specifier: string, byName: Map<string, Project>): Project | undefined {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return byName.get(name);
}

export function checkBoundaries(
  graph: WorkspaceGraph,
  importsOf: (project: Project) => FileImport[],
): Violation[] {
  const byName = new Map(graph.projects.map((p) => [p.name, p]));
  const violations: Violation[] = [];
  const judge = (from: Project, to: Project, where: string) => {
    const reason = forbiddenDependency(from, to);
    if (reason) violations.push({ from: from.name, to: to.name, where, reason });
  };
  for (const from of graph.projects) {
    const untagged = missingTags(from);
    if (untagged) violations.push({ from: from.name, where: `${from.root}/package.json`, reason: untagged });
    for (const target of graph.declared[from.name] ?? []) {
      const to = byName.get(target);
      if (to) judge(from, to, `${from.root}/package.json`);
    }
    for (const { file, specifier } of importsOf(from)) {
      const to = projectOf(specifier, byName);
      if (to) judge(from, to, file);
    }
  }
  return violations;
}

/** The check over a workspace on disk. */
export const checkWorkspace = (workspaceRoot: string, graph: WorkspaceGraph): Violation[] =>
  checkBoundaries(graph, (project) => projectImports(workspaceRoot, project.root));
