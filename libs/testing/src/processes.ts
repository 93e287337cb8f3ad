// Every child process the test helpers start is killed when the test process exits, even on a crash.
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let hooked = false;

export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', killAll);
    // A test run stopped by a signal (a CI timeout, Ctrl-C) must not leave servers behind: kill them,
    // then let the signal do what it would have done, unless someone else already handles it.
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.once(signal, () => {
        killAll();
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    }
  }
}

function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
}

/** How long after the exit the last output may still be in the pipes. */
const OUTPUT_FLUSH_MS = 1_000;

/**
 * Sends a signal and resolves when the process has exited (SIGKILL after `graceMs`) and its output
 * has arrived: 'exit' can come before the last lines (a service's "stopped") are read from the pipe,
 * so a caller checking the output right after would miss them. The wait for 'close' is bounded, as a
 * grandchild holding the pipe open would otherwise hold it forever.
 */
export async function terminate(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 5_000,
): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    if (child.stdout?.closed !== false && child.stderr?.closed !== false) resolve();
    else child.once('close', () => resolve());
  });
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([closed, new Promise((resolve) => (flushTimer = setTimeout(resolve, OUTPUT_FLUSH_MS)))]);
  clearTimeout(flushTimer);
}
