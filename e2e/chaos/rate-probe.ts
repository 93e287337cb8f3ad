// A tenant over its limit during a fault: clients of a `tight` tenant (chaos-config.ts) read
// through the balancer many times a second for the whole scenario, well past its hourly limit, and
// records every answer. docs/rate-limiting.md promises: no over-admission while the counters are
// reachable, and while they are not (allow_local) at most floor(share × limit) more per edge process
// (each edge's local window; a restarted edge starts a new one), leases in hand being already counted.
import type { ReadinessBalancer } from '../test/rolling/load-balancer.js';

const PAUSE_MS = 150;
/** Loops at once: a call that hangs until the edge's timeout during a fault must not stop the probe. */
const LOOPS = 3;
const MAX_RUN_MS = 150_000;

export interface ProbeAnswer {
  at: number;
  edge: string;
  status: number;
  /** The error envelope's code, or the transport error of a request without an answer. */
  code: string;
}

export class RateProbe {
  readonly answers: ProbeAnswer[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly balancer: ReadinessBalancer,
    private readonly token: string,
  ) {}

  start(): void {
    this.running = true;
    const deadline = Date.now() + MAX_RUN_MS;
    this.loops = Array.from({ length: LOOPS }, async () => {
      while (this.running && Date.now() < deadline) {
        await this.ask();
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  get admitted(): number {
    return this.answers.filter((a) => a.status === 200).length;
  }

  get refused(): ProbeAnswer[] {
    return this.answers.filter((a) => a.status === 429);
  }

  private async ask(): Promise<void> {
    const edge = await this.balancer.pick();
    const at = Date.now();
    try {
      const response = await fetch(`${edge}/api/v1/applications`, {
        headers: { authorization: `Bearer ${this.token}` },
        signal: AbortSignal.timeout(10_000),
      });
      const body = await response.json().catch(() => undefined);
      this.answers.push({ at, edge, status: response.status, code: body?.error?.code ?? 'ok' });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      this.answers.push({ at, edge, status: 0, code });
    }
  }
}

/** The most a tight tenant may be admitted in one hourly window of this scenario (the documented bound). */
export function admissionBound(limit: number, share: number, edgeProcesses: number): number {
  return limit + edgeProcesses * Math.floor(share * limit);
}
