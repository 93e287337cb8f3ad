// Runs a service's main.ts as its own process, exactly as `npm start` does, and waits for its
// "service ready" log line; failure tests kill and restart these for real.
import { type ChildProcess, spawn } from 'node:child_process';
import { terminate, track } from './processes.js';

export interface ServiceProcessOptions {
  name: string;
  /** Absolute path of the service's src/main.ts. */
  entry: string;
  env: Record<string, string>;
  readyTimeoutMs?: number;
  /** Working directory; default the repository root, as under `npm start`. */
  cwd?: string;
}

const REPOSITORY_ROOT = new URL('../../../', import.meta.url).pathname;

export interface ServiceProcess {
  name: string;
  pid: number;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

const READY = /"msg":"service ready"/;
const MAX_OUTPUT = 2_000_000;

export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@idp/source', '--import', 'tsx', options.entry],
    {
      env: { ...process.env, ...options.env },
      cwd: options.cwd ?? REPOSITORY_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  track(child);
  let output = '';
  let closed = false;
  child.once('close', () => {
    closed = true;
  });
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-MAX_OUTPUT);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const waitForOutput = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) return finish(resolve);
        // 'close', not 'exit': output still in the pipe arrives after 'exit'.
        if (closed) {
          finish(() =>
            reject(
              new Error(
                `${options.name} exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${output.slice(-4000)}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(`${options.name}: no ${pattern} within ${timeoutMs} ms:\n${output.slice(-4000)}`),
            ),
          ),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('close', check);
        settle();
      };
      listeners.add(check);
      child.on('close', check);
      check();
    });

  await waitForOutput(READY, options.readyTimeoutMs ?? 30_000).catch(async (error) => {
    await terminate(child, 'SIGKILL');
    throw error;
  });
  return {
    name: options.name,
    pid: child.pid!,
    output: () => output,
    waitForOutput,
    stop: () => terminate(child, 'SIGTERM'),
    kill: () => terminate(child, 'SIGKILL'),
  };
}
