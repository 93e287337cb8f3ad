// Which project may depend on which, by the Nx tags every project carries (`type:lib|service|e2e|tool`,
// and `scope:<name>` naming the project's own area):
// services talk to each other only over NATS, so none imports another; libraries are shared by all and
// import no service; nothing imports the end-to-end suite or a tool (they sit on top of everything).

export interface Project {
  name: string;
  /** Folder relative to the workspace root, e.g. `services/edge`. */
  root: string;
  tags: string[];
}

export type ProjectType = 'lib' | 'service' | 'e2e' | 'tool';

export function projectType(project: Project): ProjectType | undefined {
  const tag = project.tags.find((t) => t.startsWith('type:'));
  const type = tag?.slice('type:'.length);
  return type === 'lib' || type === 'service' || type === 'e2e' || type === 'tool' ? type : undefined;
}

/** What is missing from a project's tags: every project names its layer and its own scope. */
export function missingTags(project: Project): string | undefined {
  const missing = [
    projectType(project) ? undefined : 'type:lib|service|e2e|tool',
    project.tags.some((t) => /^scope:[a-z0-9-]+$/.test(t)) ? undefined : 'scope:<name>',
  ].filter(Boolean);
  return missing.length
    ? `${project.name} has no ${missing.join(' and no ')} tag (nx.tags in its package.json)`
    : undefined;
}

/** Why `from` must not depend on `to`, or undefined when it may. */
export function forbiddenDependency(from: Project, to: Project): string | undefined {
  if (from.name === to.name) return undefined;
  const fromType = projectType(from);
  const toType = projectType(to);
  if (!fromType) return `${from.name} has no type:… tag`;
  if (!toType) return `${to.name} has no type:… tag`;
  if (toType === 'e2e' || toType === 'tool')
    return `nothing may import ${toType === 'e2e' ? 'the e2e suite' : 'a tool'}`;
  if (fromType === 'lib' && toType === 'service') return 'a library must not import a service';
  if (fromType === 'service' && toType === 'service')
    return 'a service must not import another service (they talk over NATS only)';
  return undefined;
}
