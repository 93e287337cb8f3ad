// Whole-system tests run the services' built JavaScript (`dist/`), as production does (`npm start` of a
// service package is `node dist/main.js`): no TypeScript transform in each of a test's processes
// halves the time a system takes to start on two cores (8 s → 4 s measured). A project whose tests run
// built code rebuilds it when stale before its tests start (e2e/global-setup.ts).

/** How a service or command runs: from its TypeScript source (tsx) or from its build output. */
export type CodeKind = 'source' | 'built';

/** Node's arguments to run `entry` (a package's `src/<file>.ts`) as source or as built code. */
export function nodeArguments(entry: string, code: CodeKind = 'source'): string[] {
  if (code === 'source') return ['--conditions=@idp/source', '--import', 'tsx', entry];
  return [builtEntry(entry)];
}

/** `<package>/src/<file>.ts` → `<package>/dist/<file>.js` (tsc's `rootDir: src`, `outDir: dist`). */
export function builtEntry(entry: string): string {
  const built = entry.replace(/\/src\/(.+)\.ts$/, '/dist/$1.js');
  if (built === entry) throw new Error(`${entry} is not a package's src/*.ts file`);
  return built;
}

/** Which runtime runs a service or command: Node.js, or Deno 2 with the program's own permissions. */
export type Runtime = 'node' | 'deno';

/** A program to spawn: the executable and its arguments. */
export interface ProcessCommand {
  command: string;
  args: string[];
}

const REPOSITORY_ROOT = new URL('../../../', import.meta.url).pathname;

/** What tools/deno/permissions.mjs offers (plain JavaScript, shared with `npm run start:deno`). */
interface DenoPermissionsModule {
  denoBinary(root: string): string;
  denoArguments(
    entry: string,
    env: Record<string, string | undefined>,
    where: { root: string; cwd?: string },
  ): string[];
}

/**
 * The command that runs `entry` (a package's `src/<file>.ts`) on `runtime`. Deno runs the build
 * output only, with the permissions tools/deno/permissions.mjs gives that program for `env`.
 */
export async function processCommand(
  entry: string,
  options: { code?: CodeKind; runtime?: Runtime; env: Record<string, string | undefined>; cwd?: string },
): Promise<ProcessCommand> {
  const { code = 'source', runtime = 'node' } = options;
  if (runtime === 'node') return { command: process.execPath, args: nodeArguments(entry, code) };
  if (runtime !== 'deno') throw new Error(`unknown runtime ${String(runtime)}: 'node' or 'deno'`);
  if (code !== 'built') throw new Error(`${entry}: Deno runs the build output only (code: 'built')`);
  return denoCommand(builtEntry(entry), options.env, options.cwd);
}

/**
 * `deno run` of a file as it is (a service's build output, or a Deno program such as
 * examples/deno-publisher/main.ts) with the permissions tools/deno/permissions.mjs gives its program.
 */
export async function denoCommand(
  file: string,
  env: Record<string, string | undefined>,
  cwd = REPOSITORY_ROOT,
): Promise<ProcessCommand> {
  // Loaded by path: the module lives with the Deno tooling, outside this package.
  const deno = (await import(`${REPOSITORY_ROOT}tools/deno/permissions.mjs`)) as DenoPermissionsModule;
  const args = deno.denoArguments(file, env, { root: REPOSITORY_ROOT, cwd });
  return { command: deno.denoBinary(REPOSITORY_ROOT), args };
}
