// Runs a service's main.ts as its own process, exactly as `npm start` does, and waits until it is ready:
// its readiness probe answers 200 (`readyUrl`), or else, for fixtures without a probe, its "service ready"
// log line. Failure tests kill and restart these for real.
import { type ChildProcess, spawn } from 'node:child_process';
import { type CodeKind, processCommand, type Runtime } from './built-code.js';
import { terminate, track } from './processes.js';

export interface ServiceProcessOptions {
  name: string;
  /** Absolute path of the service's src/main.ts. */
  entry: string;
  env: Record<string, string>;
  readyTimeoutMs?: number;
  /**
   * The service's `GET /readyz` (its probe port, or its own listener's): ready when it answers 200, so
   * any LOG_LEVEL works. Without it, ready is the `"msg":"service ready"` log line.
   */
  readyUrl?: string;
  /** Working directory; default the repository root, as under `npm start`. */
  cwd?: string;
  /** Run `entry` through tsx (default) or its package's build output (`ensureBuilt` first). */
  code?: CodeKind;
  /** Node.js (default) or Deno (built code only, with the service's own Deno permissions). */
  runtime?: Runtime;
}

const REPOSITORY_ROOT = new URL('../../../', import.meta.url).pathname;

export interface ServiceProcess {
  name: string;
  pid: number;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (5 s): give more when the service may take longer to drain. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

const READY = /"msg":"service ready"/;
const MAX_OUTPUT = 2_000_000;
const PROBE_INTERVAL_MS = 50;

export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const env = { ...process.env, ...options.env };
  const cwd = options.cwd ?? REPOSITORY_ROOT;
  const { command, args } = await processCommand(options.entry, { ...options, env, cwd });
  const child: ChildProcess = spawn(command, args, {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

  const waitForProbe = async (url: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (!closed) {
      last = await probe(url);
      if (last === '200') return;
      if (Date.now() >= deadline) {
        throw new Error(
          `${options.name}: GET ${url} not 200 within ${timeoutMs} ms (last: ${last}):\n${output.slice(-4000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
    throw new Error(
      `${options.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.slice(-4000)}`,
    );
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const ready = options.readyUrl
    ? waitForProbe(options.readyUrl, readyTimeoutMs)
    : waitForOutput(READY, readyTimeoutMs);
  await ready.catch(async (error) => {
    await terminate(child, 'SIGKILL');
    throw error;
  });
  return {
    name: options.name,
    pid: child.pid!,
    output: () => output,
    waitForOutput,
    stop: (graceMs) => terminate(child, 'SIGTERM', graceMs),
    kill: () => terminate(child, 'SIGKILL'),
  };
}

/** One bounded `GET`: the status as text, or why nothing answered. */
async function probe(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return String(response.status);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as Error).message;
  }
}
