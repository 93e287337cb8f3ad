// Circuit breakers per backend group (a route's `service`): once a group's backend keeps timing out or
// failing, its calls answer 503 with Retry-After at once instead of each waiting for the backend timeout;
// after `half_open_after_ms` one probe call goes through and its outcome closes or reopens the breaker.
import { breakerSettings, type CircuitBreakerSettings, type CircuitBreakersConfig } from '@idp/config';
import { ApiError } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type IBreaker,
  SamplingBreaker,
} from 'cockatiel';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Metric values of the state gauge. */
export const BreakerStateValue = { closed: 0, open: 1, half_open: 2 } as const;
export type BreakerStateName = keyof typeof BreakerStateValue;

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/**
 * What counts against a backend: no answer in time, nobody listening, or a 5xx-equivalent failure of
 * the call. A 4xx answer is the backend working as intended and never counts.
 */
export const isBackendFailure = (error: unknown): boolean =>
  !(error instanceof ApiError) || error.status >= 500;

export interface GroupBreaker {
  /** Runs `call` unless the breaker refuses; a refusal is a SERVICE_UNAVAILABLE with `retryAfterSeconds`. */
  run<T>(call: () => Promise<T>): Promise<T>;
  state(): BreakerStateName;
}

/** Thrown instead of calling the backend while its breaker is open (or probing). */
export class BreakerOpenError extends ApiError {
  constructor(
    readonly group: string,
    readonly retryAfterSeconds: number,
  ) {
    super('SERVICE_UNAVAILABLE', `The ${group} backend is unavailable; retry in ${retryAfterSeconds} s`, {
      backend: group,
      retry_after_seconds: retryAfterSeconds,
    });
  }
}

/** Opens on whichever trips first: failures in a row, or the failure ratio over the window. */
class EitherBreaker implements IBreaker {
  constructor(private readonly parts: readonly IBreaker[]) {}
  get state(): unknown {
    return this.parts.map((part) => part.state);
  }
  set state(value: unknown) {
    (value as unknown[]).forEach((state, i) => {
      this.parts[i]!.state = state;
    });
  }
  success(state: CircuitState): void {
    for (const part of this.parts) part.success(state);
  }
  failure(state: CircuitState): boolean {
    return this.parts.map((part) => part.failure(state)).some(Boolean);
  }
}

function createPolicy(settings: CircuitBreakerSettings): CircuitBreakerPolicy {
  const breaker = new EitherBreaker([
    new ConsecutiveBreaker(settings.consecutive_failures),
    new SamplingBreaker({
      threshold: settings.failure_ratio,
      duration: settings.window_ms,
      minimumRps: settings.minimum_calls / (settings.window_ms / 1000),
    }),
  ]);
  return circuitBreaker(handleWhen(isBackendFailure), {
    halfOpenAfter: settings.half_open_after_ms,
    breaker,
  });
}

export interface BreakerSetOptions {
  config: CircuitBreakersConfig;
  logger: Logger;
  /** Where the state gauge is registered (the probe port's `/metrics`). */
  registry?: Registry;
  /** Metric name prefix, e.g. `idp_edge`. */
  metricPrefix: string;
}

/** One breaker per group, made on first use; the state of each is a gauge and each change one log line. */
export function createBreakerSet(options: BreakerSetOptions) {
  const { config, logger } = options;
  const registers = options.registry ? [options.registry] : [];
  const stateGauge = new Gauge({
    name: `${options.metricPrefix}_circuit_breaker_state`,
    help: 'Circuit breaker state per backend group: 0 closed, 1 open, 2 half-open',
    labelNames: ['group'] as const,
    registers,
  });
  const refused = new Counter({
    name: `${options.metricPrefix}_circuit_breaker_refused_total`,
    help: 'Calls refused without reaching the backend because its breaker was open',
    labelNames: ['group'] as const,
    registers,
  });
  const breakers = new Map<string, GroupBreaker>();

  function create(group: string): GroupBreaker {
    const settings = breakerSettings(config, group);
    const policy = createPolicy(settings);
    let openedAt = 0;
    stateGauge.set({ group }, BreakerStateValue.closed);
    policy.onStateChange((state) => {
      const name = STATE_NAMES[state];
      if (state === CircuitState.Open) openedAt = Date.now();
      stateGauge.set({ group }, BreakerStateValue[name]);
      const log = state === CircuitState.Open ? logger.warn.bind(logger) : logger.info.bind(logger);
      log({ breaker: group, state: name }, `circuit breaker ${name.replace('_', '-')}`);
    });
    const retryAfter = () =>
      Math.max(1, Math.ceil((openedAt + settings.half_open_after_ms - Date.now()) / 1000));
    return {
      state: () => STATE_NAMES[policy.state],
      async run(call) {
        if (!config.enabled) return call();
        // Half-open lets only the probe through; cockatiel would make the others wait for it.
        if (policy.state === CircuitState.HalfOpen) throw refuse(group, 1);
        try {
          return await policy.execute(call);
        } catch (error) {
          if (error instanceof Error && 'isBrokenCircuitError' in error) throw refuse(group, retryAfter());
          throw error;
        }
      },
    };
  }
  function refuse(group: string, seconds: number): BreakerOpenError {
    refused.inc({ group });
    return new BreakerOpenError(group, seconds);
  }

  return {
    get(group: string): GroupBreaker {
      let breaker = breakers.get(group);
      if (!breaker) {
        breaker = create(group);
        breakers.set(group, breaker);
      }
      return breaker;
    },
  };
}
export type BreakerSet = ReturnType<typeof createBreakerSet>;
