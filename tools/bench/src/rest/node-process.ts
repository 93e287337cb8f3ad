// Starts a TypeScript entry (a service's main.ts or a bench fixture) as its own node process, optionally
// pinned to CPUs (taskset) and CPU-profiled (--cpu-prof), and waits until it says it is ready.
import { type ChildProcess, spawn } from 'node:child_process';

export interface NodeProcessOptions {
  entry: string;
  env: Record<string, string>;
  args?: string[];
  /** Ready when a line of its output matches this (default: the services' "service ready" line). */
  ready?: RegExp;
  /** Ready when this answers true instead (polled every 100 ms): for a process that logs nothing. */
  readyUrl?: string;
  /** Writes a .cpuprofile here when the process exits. */
  cpuProfDir?: string;
  /** taskset CPU list, e.g. "0". */
  cpus?: string;
  cwd?: string;
  timeoutMs?: number;
}

export interface NodeProcess {
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

const TSX = ['--conditions=@idp/source', '--import', 'tsx'];

export function startNode(options: NodeProcessOptions): Promise<NodeProcess> {
  const profile = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [];
  const nodeArgs = [...profile, ...TSX, options.entry, ...(options.args ?? [])];
  const [command, argv] = options.cpus
    ? ['taskset', ['-c', options.cpus, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(command, argv, {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = options.ready ?? /"msg":"service ready"/;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${options.entry} not ready within the bound`)),
      options.timeoutMs ?? 60_000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${output.slice(-3000)}`));
    };
    const onData = (chunk: Buffer) => {
      if (output.length < 200_000) output += chunk.toString();
      if (!options.readyUrl && ready.test(output)) onReady();
    };
    const onReady = () => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve({ child, pid: child.pid!, stop: () => stopChild(child) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (output.length < 200_000) output += chunk.toString();
    });
    child.once('exit', (code) => fail(new Error(`${options.entry} exited with ${code}`)));
    if (options.readyUrl) pollReady(options.readyUrl, child, () => onReady());
  });
}

/** SIGTERM (a profiled process writes its profile on the way out), SIGKILL after 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function pollReady(url: string, child: ChildProcess, onReady: () => void): void {
  const probe = () => {
    if (child.exitCode !== null) return;
    fetch(url).then(
      (r) => (r.ok ? onReady() : setTimeout(probe, 100)),
      () => setTimeout(probe, 100),
    );
  };
  probe();
}
