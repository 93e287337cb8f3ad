// The modules a source file imports, read by TypeScript's own pre-processor (static imports, re-exports,
// `import()` and `require()`), so a comment or a string that looks like an import is not one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface FileImport {
  /** Relative to the workspace root. */
  file: string;
  specifier: string;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.nx', 'coverage']);

export function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** Every import of every source file under `projectRoot` (build output and dependencies excluded). */
export function projectImports(workspaceRoot: string, projectRoot: string): FileImport[] {
  const found: FileImport[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const file = relative(workspaceRoot, path);
        for (const specifier of importsOf(readFileSync(path, 'utf8'))) found.push({ file, specifier });
      }
    }
  };
  const dir = join(workspaceRoot, projectRoot);
  if (existsSync(dir)) walk(dir);
  return found;
}
