// Runs a one-shot TypeScript command (such as the setup step) as its own process, the way `npm start`
// does, and resolves with its output when it exits 0 (bounded; rejects with the output otherwise).
import { spawn } from 'node:child_process';
import { type CodeKind, processCommand, type Runtime } from './built-code.js';
import { terminate, track } from './processes.js';

const REPOSITORY_ROOT = new URL('../../../', import.meta.url).pathname;

export async function runOnce(
  entry: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
  code: CodeKind = 'source',
  runtime: Runtime = 'node',
): Promise<string> {
  const fullEnv = { ...process.env, ...env };
  const { command, args } = await processCommand(entry, {
    code,
    runtime,
    env: fullEnv,
    cwd: REPOSITORY_ROOT,
  });
  const child = spawn(command, args, {
    env: fullEnv,
    cwd: REPOSITORY_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void terminate(child, 'SIGKILL');
      reject(new Error(`${entry} did not finish within ${timeoutMs} ms:\n${output.slice(-4000)}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${entry} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/** The setup step (streams and buckets) against a test server, as `npm start` runs it. */
export const SETUP_ENTRY = `${REPOSITORY_ROOT}tools/setup/src/main.ts`;
