// The `idp` CLI as a user runs it: a child process of tools/cli/bin/idp.mjs with its own config
// directory, pointed at a test system through IDP_API_URL / IDP_WS_URL. Every run is bounded in time.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IDP_BIN = new URL('../../../tools/cli/bin/idp.mjs', import.meta.url).pathname;

export interface IdpResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface IdpEnv {
  apiUrl: string;
  wsUrl: string;
  configDir?: string;
  extra?: Record<string, string>;
}

export function newConfigDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'idp-cli-')), 'config');
}

export function idpEnvironment(env: IdpEnv): Record<string, string> {
  const inherited = { ...process.env } as Record<string, string>;
  // The caller's own credential or colour settings must not leak into a test.
  for (const name of ['IDP_TOKEN', 'IDP_API_KEY', 'NO_COLOR', 'IDP_URL', 'XDG_CONFIG_HOME'])
    delete inherited[name];
  return {
    ...inherited,
    IDP_API_URL: env.apiUrl,
    IDP_WS_URL: env.wsUrl,
    IDP_CONFIG_DIR: env.configDir ?? newConfigDir(),
    ...env.extra,
  };
}

/** A running `idp`: its output so far, a wait for a pattern in it, and its end. */
export interface IdpRun {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<void>;
  done: Promise<IdpResult>;
}

export function startIdp(args: string[], env: IdpEnv, timeoutMs = 60_000): IdpRun {
  const child = spawn(process.execPath, [IDP_BIN, ...args], {
    env: idpEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr!.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<IdpResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
  const waitForStdout = async (pattern: RegExp, waitMs: number) => {
    const deadline = Date.now() + waitMs;
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(
          `idp ${args.join(' ')}: no ${pattern} in ${waitMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, output: () => ({ stdout, stderr }), waitForStdout, done };
}

export function idp(args: string[], env: IdpEnv, timeoutMs?: number): Promise<IdpResult> {
  return startIdp(args, env, timeoutMs).done;
}
