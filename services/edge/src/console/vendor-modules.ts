// The browser libraries the console imports (Preact, its hooks, htm), served as ES modules from the
// packages the console declares: resolved from the console's own folder, never bundled or copied.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** URL name under `/console/vendor/` → how to find the file from a resolver rooted at the console. */
const VENDOR_FILES: Record<string, (resolve: (id: string) => string) => string> = {
  'preact.mjs': (resolve) => resolve('preact'),
  'preact-hooks.mjs': (resolve) => resolve('preact/hooks'),
  // htm's `require` condition names its CommonJS build; the ES module sits beside it.
  'htm.mjs': (resolve) => join(dirname(resolve('htm')), 'htm.mjs'),
};

/** Each vendor module's source, or an error naming the one that could not be found. */
export function loadVendorModules(consoleDir: string): Map<string, string> {
  const resolve = createRequire(join(consoleDir, '..', 'package.json')).resolve;
  const modules = new Map<string, string>();
  for (const [name, locate] of Object.entries(VENDOR_FILES)) {
    let file: string;
    try {
      file = locate(resolve);
    } catch (error) {
      throw new Error(`console: cannot resolve the module behind vendor/${name}: ${String(error)}`);
    }
    if (!existsSync(file)) throw new Error(`console: vendor/${name} expected at ${file}, which is missing`);
    // The source-map comment would make devtools ask for a file this route does not serve.
    modules.set(name, readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  }
  return modules;
}
