// Steady REST traffic through a ReadinessBalancer: each worker is one user with one application it
// reads, redeploys (a new desired version, then deploy, then polls the operation to its end) and,
// now and then, a new application it creates. Every answer that is not the expected success, and every
// request that got no answer at all, is recorded as a failure; every call and every write is recorded
// too, so a chaos test can measure the errors of a fault and check each acknowledged write afterwards.
import type { ReadinessBalancer } from './load-balancer.js';

export interface Failure {
  at: string;
  request: string;
  edge: string;
  outcome: string;
}

/** One request and how it ended: an HTTP status, or 0 with `outcome` naming why there was no answer. */
export interface CallRecord {
  startedAt: number;
  endedAt: number;
  method: string;
  request: string;
  edge: string;
  status: number;
  expected: number;
  /** The error envelope's code, or the transport error (ECONNREFUSED, TimeoutError, …). */
  outcome: string;
  /** The start of an unexpected answer's body, to say what went wrong. */
  message?: string;
}

/** A write and whether the system acknowledged it (the expected 2xx). */
export type WriteRecord =
  | { kind: 'create'; appId: string | undefined; name: string; acked: boolean }
  | { kind: 'desired'; appId: string; version: string; acked: boolean };

export interface RestLoadOptions {
  /** Called with each operation a deploy started (e.g. to follow its topic over WebSocket). */
  onOperation?: (operationId: string) => void;
}

interface Worker {
  token: string;
  appId: string;
  teamId: string;
}

const PAUSE_MS = 40;
/** Bounds on the whole run and on following the last operations after stop(). */
const MAX_RUN_MS = 150_000;
const MAX_FINISH_MS = 20_000;
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

export class RestLoad {
  readonly failures: Failure[] = [];
  /** Every operation a worker started, to check they all succeeded. */
  readonly operations: string[] = [];
  readonly calls: CallRecord[] = [];
  readonly writes: WriteRecord[] = [];
  requests = 0;
  private running = false;
  private deadline = 0;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly balancer: ReadinessBalancer,
    private readonly workers: Worker[],
    private readonly options: RestLoadOptions = {},
  ) {}

  start(): void {
    this.running = true;
    this.deadline = Date.now() + MAX_RUN_MS;
    this.loops = this.workers.map((worker, index) => this.loop(worker, index));
  }

  /** Stops after each worker's current request, then waits for the operations still running. */
  async stop(): Promise<void> {
    this.running = false;
    this.deadline = Math.min(this.deadline, Date.now() + MAX_FINISH_MS);
    await Promise.all(this.loops);
  }

  private async loop(worker: Worker, index: number): Promise<void> {
    let operation: string | undefined;
    let version = 0;
    for (let step = 0; (this.running || operation) && Date.now() < this.deadline; step++) {
      await this.call(worker, 'GET', '/applications', undefined, 200);
      await this.call(worker, 'GET', `/applications/${worker.appId}`, undefined, 200);
      if (operation) {
        const op = await this.call(worker, 'GET', `/operations/${operation}`, undefined, 200);
        if (op && TERMINAL.includes(op.status as string)) operation = undefined;
      } else if (this.running) {
        version++;
        const desired = { version: `v${index}.${version}.0`, replicas: 2 };
        const path = `/applications/${worker.appId}/desired-state`;
        const acked = await this.call(worker, 'PUT', path, desired, 200);
        this.writes.push({ kind: 'desired', appId: worker.appId, version: desired.version, acked: !!acked });
        const started = await this.call(worker, 'POST', `/applications/${worker.appId}/deploy`, {}, 202, {
          activeOperation: true,
        });
        if (started) {
          operation = started.operation_id as string;
          if (!this.operations.includes(operation)) {
            this.operations.push(operation);
            this.options.onOperation?.(operation);
          }
        }
      }
      if (this.running && step % 15 === 0) {
        const body = { name: `w${index}-s${step}`, team_id: worker.teamId };
        const created = await this.call(worker, 'POST', '/applications', body, 201);
        this.writes.push({
          kind: 'create',
          appId: created?.id as string | undefined,
          name: body.name,
          acked: !!created,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }

  /** One request through the balancer: the envelope's `data`, or undefined after recording a failure. */
  private async call(
    worker: Worker,
    method: string,
    path: string,
    body: unknown,
    expected: number,
    options: { activeOperation?: boolean } = {},
  ): Promise<Record<string, unknown> | undefined> {
    const edge = await this.balancer.pick();
    const request = `${method} ${path}`;
    this.requests++;
    const record = { startedAt: Date.now(), method, request, edge, expected };
    const done = (status: number, outcome: string, message?: string) =>
      this.calls.push({ ...record, endedAt: Date.now(), status, outcome, ...(message && { message }) });
    try {
      const response = await fetch(`${edge}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${worker.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      // A deploy whose 202 was lost (a 504 while NATS moved) may still have started its operation: the
      // next deploy then gets the contract's 409 naming it, and the load follows that operation.
      const active = options.activeOperation ? activeOperationOf(response.status, text) : undefined;
      if (active) {
        this.calls.push({ ...record, expected: 409, endedAt: Date.now(), status: 409, outcome: 'ok' });
        return { operation_id: active };
      }
      if (response.status === expected) done(response.status, 'ok');
      else done(response.status, errorCode(text), text.slice(0, 200));
      if (response.status === expected) return JSON.parse(text).data;
      this.fail(request, edge, `${response.status} ${text.slice(0, 300)}`);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      done(0, cause ?? (error as Error).name);
      this.fail(request, edge, `no answer: ${cause ?? (error as Error).message}`);
    }
    return undefined;
  }

  private fail(request: string, edge: string, outcome: string): void {
    this.failures.push({ at: new Date().toISOString(), request, edge, outcome });
  }
}

/** The operation a `409 CONFLICT` names as active on the application, if that is what the answer is. */
function activeOperationOf(status: number, text: string): string | undefined {
  if (status !== 409) return undefined;
  try {
    const id = JSON.parse(text)?.error?.details?.operation_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The error envelope's code, or `not an envelope` (a 5xx from something that is not our edge). */
function errorCode(text: string): string {
  try {
    const body = JSON.parse(text);
    return body?.success === false && typeof body.error?.code === 'string'
      ? body.error.code
      : 'not an envelope';
  } catch {
    return 'not an envelope';
  }
}
