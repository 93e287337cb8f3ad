// When a started process counts as ready: its readiness probe answers 200 (never a log line, so any
// LOG_LEVEL works). A process that exits first, or is not ready in time, fails the start with its
// name and its last lines.
import type { RunningProcess } from './service-process.js';

/** A process that did not start: which one, why, and what it printed last. */
export class StartFailure extends Error {
  constructor(
    readonly processName: string,
    reason: string,
    lastLines: string,
  ) {
    super(`${processName} ${reason}\n${lastLines}`);
    this.name = 'StartFailure';
  }
}

const PROBE_INTERVAL_MS = 200;
const PROBE_TIMEOUT_MS = 2_000;

/** One bounded `GET`: `200`, another status, or why nothing answered. */
export async function probeStatus(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.arrayBuffer();
    return String(response.status);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as Error).message;
  }
}

export async function waitUntilReady(
  started: RunningProcess,
  probeUrl: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exited = started.ended.then((how) => ({ exited: how }));
  let last = 'nothing yet';
  for (;;) {
    const outcome = await Promise.race([probeStatus(probeUrl).then((status) => ({ status })), exited]);
    if ('exited' in outcome) {
      throw new StartFailure(
        started.name,
        `exited (${outcome.exited}) before it was ready`,
        started.lastLines(),
      );
    }
    if (outcome.status === '200') return;
    last = outcome.status;
    if (Date.now() >= deadline) {
      const reason = `was not ready within ${timeoutMs / 1000} s (GET ${probeUrl}: ${last})`;
      throw new StartFailure(started.name, reason, started.lastLines());
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS)), exited]);
  }
}

/** Waits for a one-shot process (the setup step) to exit 0, bounded. */
export async function waitUntilDone(started: RunningProcess, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const how = await Promise.race([started.ended, timedOut]);
  clearTimeout(timer);
  if (how === 'exit 0') return;
  const reason = how === 'timeout' ? `did not finish within ${timeoutMs / 1000} s` : `failed (${how})`;
  throw new StartFailure(started.name, reason, started.lastLines());
}
