// The workspace's projects, tags and declared dependencies as Nx sees them (`nx graph --file`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkspaceGraph } from './check.js';

interface NxGraphFile {
  graph: {
    nodes: Record<string, { name: string; type: string; data: { root: string; tags?: string[] } }>;
    dependencies: Record<string, { target: string; type: string }[]>;
  };
}

export function readNxGraph(workspaceRoot: string): WorkspaceGraph {
  const dir = mkdtempSync(join(tmpdir(), 'idp-nx-graph-'));
  try {
    const file = join(dir, 'graph.json');
    execFileSync(join(workspaceRoot, 'node_modules', '.bin', 'nx'), ['graph', `--file=${file}`], {
      cwd: workspaceRoot,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const { graph } = JSON.parse(readFileSync(file, 'utf8')) as NxGraphFile;
    const projects = Object.values(graph.nodes).map((node) => ({
      name: node.name,
      root: node.data.root,
      tags: node.data.tags ?? [],
    }));
    const declared = Object.fromEntries(
      Object.entries(graph.dependencies).map(([source, deps]) => [
        source,
        // Implicit dependencies are order, not imports: e2e runs the services without importing them.
        deps.filter((d) => d.type !== 'implicit' && !d.target.startsWith('npm:')).map((d) => d.target),
      ]),
    );
    return { projects, declared };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
