// One TypeScript entry point (a service's main.ts, the setup step, the NATS host) as its own Node
// process, the way `npm start` runs them: its output goes line by line to a prefixed sink, its last
// lines are kept, and it can be stopped gracefully with a bound.
import { type ChildProcess, spawn } from 'node:child_process';
import { type LineSink, LineSplitter, RecentLines } from './log-lines.js';

export interface ProcessSpec {
  name: string;
  /** The entry's path, relative to `cwd`. */
  entry: string;
  args?: string[];
  env: Record<string, string>;
  cwd: string;
  /**
   * Its own process group and an IPC channel (the NATS host): a terminal's Ctrl-C does not reach it, so
   * it outlives the services' drain; it stops when the channel closes, which also happens when this
   * runner dies, so it cannot outlive the runner either.
   */
  ownGroup?: boolean;
}

export interface RunningProcess {
  name: string;
  pid: number;
  /** For the IPC channel of an `ownGroup` process. */
  child: ChildProcess;
  /** Resolves once the process has exited and its output is read: `exit <code>` or the signal. */
  ended: Promise<string>;
  running(): boolean;
  /** Its last output lines, ready for a failure message. */
  lastLines(): string;
  /** SIGTERM (the service drains), or closing an `ownGroup` process's channel; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now, without waiting: for a runner that is exiting itself. */
  killNow(): void;
}

const TSX = ['--conditions=@idp/source', '--import', 'tsx'];
export const STOP_GRACE_MS = 10_000;

export function spawnProcess(spec: ProcessSpec, sink: LineSink): RunningProcess {
  // Services are not detached: a terminal's Ctrl-C or hang-up reaches every one of them even if this
  // runner were to die first, so none can outlive it.
  const child = spawn(process.execPath, [...TSX, spec.entry, ...(spec.args ?? [])], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: spec.ownGroup ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    detached: spec.ownGroup === true,
  });
  const recent = new RecentLines();
  const toSink = (line: string) => {
    recent.add(line);
    sink(line);
  };
  const splitters = [new LineSplitter(toSink), new LineSplitter(toSink)];
  child.stdout?.on('data', (chunk) => splitters[0]!.push(chunk));
  child.stderr?.on('data', (chunk) => splitters[1]!.push(chunk));
  let done = false;
  // Not 'close': with an IPC channel that the runner closed first, Node never emits it. The exit and
  // the end of both output pipes are what 'close' would have waited for (the last lines come late).
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`));
    // A process that cannot even be spawned emits only this.
    child.once('error', (error) => {
      toSink(`could not start: ${error.message}`);
      resolve('not started');
    });
  });
  const outputRead = [child.stdout, child.stderr].map(
    (stream) => new Promise<void>((resolve) => (stream ? stream.once('close', resolve) : resolve())),
  );
  const ended = Promise.all([exited, ...outputRead]).then(([how]) => {
    done = true;
    for (const splitter of splitters) splitter.flush();
    return how;
  });
  // A whole group at once, even after its leader is gone: the NATS host's servers go with it.
  const kill = () => {
    if (!spec.ownGroup || !child.pid) {
      if (!done) child.kill('SIGKILL');
      return;
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Nobody is left in the group.
    }
  };
  const stop = async (graceMs = STOP_GRACE_MS) => {
    if (done) return;
    if (spec.ownGroup) child.connected && child.disconnect();
    else child.kill('SIGTERM');
    const timer = setTimeout(kill, graceMs);
    await ended;
    clearTimeout(timer);
  };
  return {
    name: spec.name,
    pid: child.pid ?? -1,
    child,
    ended,
    running: () => !done,
    lastLines: () => recent.describe(spec.name),
    stop,
    killNow: kill,
  };
}
