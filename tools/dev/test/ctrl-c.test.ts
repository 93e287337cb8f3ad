// Our runners stop their processes gracefully on Ctrl-C (`npm run cluster` prints "[cluster] stopped").
// The tsx CLI must not stand between the terminal and them: it relays a signal by waiting 30 ms for the
// child to acknowledge it and then kills the child with SIGKILL, so a runner whose event loop is busy
// for longer (two loaded cores) dies without stopping anything (CI caught `npm run cluster` that way).
// Every npm script runs TypeScript as `node --import tsx` instead: the signal reaches the runner itself.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const fixture = new URL('./ctrl-c-fixture.ts', import.meta.url).pathname;

function scriptsOf(dir: string): [string, string][] {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  return Object.entries(manifest.scripts ?? {}).map(([name, command]) => [
    `${dir || '.'}: ${name}`,
    String(command),
  ]);
}

/** The root and every workspace its package.json lists (`libs/*` and the like, or a folder). */
function workspaceDirs(): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const group = pattern.slice(0, -2);
    return readdirSync(join(root, group))
      .map((name) => `${group}/${name}`)
      .filter((dir) => existsSync(join(root, dir, 'package.json')));
  });
}

const allScripts = ['', ...workspaceDirs()].flatMap(scriptsOf);

/** Runs `command` as npm would (argv, from the root) with the fixture in place of its entry file. */
function runWithFixture(
  command: string,
): Promise<{ output: string; code: number | null; signal: string | null }> {
  const argv = command.split(/\s+/).map((arg) => (arg.endsWith('.ts') ? fixture : arg));
  const [program, ...args] = argv;
  const executable = program === 'node' ? process.execPath : join(root, 'node_modules', '.bin', program!);
  const child = spawn(executable, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    // A terminal's Ctrl-C: SIGINT to the whole foreground process group.
    if (output === 'ready\n') setTimeout(() => process.kill(-child.pid!, 'SIGINT'), 300);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const bound = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(bound);
      resolve({ output, code, signal });
    }),
  );
}

describe('Ctrl-C reaches our runners', () => {
  it('no npm script runs TypeScript through the tsx CLI', () => {
    // `tsx file.ts`, `npx tsx …`, `… && tsx …`: the CLI; `node --import tsx` is the loader alone.
    const throughCli = allScripts.filter(([, command]) => /(^|[&|;]\s*|npx\s+)tsx\s/.test(command));
    expect(throughCli.map(([name, command]) => `${name} = ${command}`)).toEqual([]);
    expect(allScripts.filter(([, command]) => command.includes('--import tsx')).length).toBeGreaterThan(5);
  });

  it('npm run cluster, its event loop busy, still runs its Ctrl-C handler to the end', async () => {
    const [, cluster] = allScripts.find(([name]) => name === '.: cluster')!;
    const run = await runWithFixture(cluster);
    expect(run.output).toContain('stopped gracefully');
    expect(run.code).toBe(0);
  }, 30_000);
});
