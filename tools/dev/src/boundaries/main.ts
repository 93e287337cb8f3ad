// `npm run lint:boundaries` (also a step of `npm test`): fails when a project lacks its type or scope
// tag or depends on one it must not (rules.ts), naming the file or package.json and the rule.
import { join } from 'node:path';
import { checkWorkspace } from './check.js';
import { readNxGraph } from './nx-graph.js';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const graph = readNxGraph(root);
const violations = checkWorkspace(root, graph);
for (const v of violations)
  process.stderr.write(`${v.where}: ${v.to ? `${v.from} → ${v.to}: ` : ''}${v.reason}\n`);
if (violations.length > 0) {
  process.stderr.write(`${violations.length} module boundary violation(s)\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`module boundaries: ${graph.projects.length} projects, no violation\n`);
}
