// The order of a graceful stop (design.md §10): readiness fails first, while everything still works,
// so load balancers move traffic away during the delay; only then does the service stop taking work,
// finish what is in flight and drain NATS, bounded so a stuck drain cannot hang a rollout.
import type { Logger } from '@idp/observability';

export interface ShutdownSettings {
  /** Not ready, still serving, for this long before the stop (IDP_SHUTDOWN_DELAY_MS). */
  delayMs: number;
  /** Bound on the stop itself: in-flight work and the NATS drain (IDP_SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
}

/** How a shutdown ended: `stopped` exits 0, the others exit 1. */
export type ShutdownOutcome = 'stopped' | 'failed' | 'timed_out';

export interface ShutdownSteps {
  /** Told at once, before the delay (e.g. the edge asks keep-alive clients to close). */
  draining?: () => void;
  /** Stops taking work, lets in-flight work finish and drains NATS. */
  stop: () => Promise<void>;
}

export const DEFAULT_SHUTDOWN: ShutdownSettings = { delayMs: 0, timeoutMs: 15_000 };

export class ShutdownSequence {
  private running: Promise<ShutdownOutcome> | undefined;
  private started = false;

  constructor(
    private readonly steps: ShutdownSteps,
    private readonly settings: ShutdownSettings,
    private readonly logger: Logger,
  ) {}

  /** True from the first signal on: readiness answers 503 from that moment. */
  get draining(): boolean {
    return this.started;
  }

  /** Runs the sequence once; a second signal while it runs gets the same outcome. */
  run(signal: string): Promise<ShutdownOutcome> {
    this.running ??= this.sequence(signal);
    return this.running;
  }

  private async sequence(signal: string): Promise<ShutdownOutcome> {
    this.started = true;
    const { delayMs, timeoutMs } = this.settings;
    this.logger.info({ signal, delay_ms: delayMs, timeout_ms: timeoutMs }, 'shutting down: not ready');
    try {
      this.steps.draining?.();
    } catch (error) {
      this.logger.warn({ err: error }, 'draining hook failed; stopping anyway');
    }
    if (delayMs > 0) await sleep(delayMs);
    this.logger.info('stopping: finishing in-flight work and draining NATS');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<ShutdownOutcome>((resolve) => {
      timer = setTimeout(() => resolve('timed_out'), timeoutMs);
    });
    const stopped = this.steps.stop().then(
      (): ShutdownOutcome => 'stopped',
      (error): ShutdownOutcome => {
        this.logger.error({ err: error }, 'shutdown failed');
        return 'failed';
      },
    );
    const outcome = await Promise.race([stopped, deadline]);
    clearTimeout(timer);
    if (outcome === 'timed_out') this.logger.error({ timeout_ms: timeoutMs }, 'shutdown took too long');
    else if (outcome === 'stopped') this.logger.info('stopped');
    return outcome;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
