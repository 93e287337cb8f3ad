// Runs podman with this project's settings (containers.conf) and a time bound on every call, and
// explains what is missing on a machine that cannot run containers.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CONTAINERS_CONF = fileURLToPath(new URL('../containers.conf', import.meta.url));
export const podmanEnv = { ...process.env, CONTAINERS_CONF };

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Written to the child's stdin, then closed. */
  input?: string | NodeJS.ReadableStream;
  /** Stream the child's output to ours (long builds) instead of only collecting it. */
  echo?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs a command; resolves with its exit code and output, killing it when it outlives the bound. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? podmanEnv,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') stderr += `\n${command} ${args[0] ?? ''} killed after ${timeoutMs} ms`;
      resolve({ code: code ?? 1, stdout, stderr });
    });
    if (typeof options.input === 'string') child.stdin.end(options.input);
    else if (options.input) options.input.pipe(child.stdin);
    else child.stdin.end();
  });
}

/** `podman <args>`; throws with podman's own message when it fails. */
export async function podman(args: string[], options: RunOptions = {}): Promise<string> {
  const result = await run('podman', args, options);
  if (result.code !== 0)
    throw new Error(`podman ${args.slice(0, 3).join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** `podman <args>` where failure is an answer (e.g. "does this image exist?"). */
export async function podmanOk(args: string[], timeoutMs = 30_000): Promise<boolean> {
  return (await run('podman', args, { timeoutMs })).code === 0;
}
