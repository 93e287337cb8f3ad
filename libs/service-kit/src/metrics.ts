// Prometheus metrics every service shares: a registry labelled with the service and instance (with the
// process metrics, event-loop lag among them), and request/reply metrics for both ends of every NATS
// request, installed through the @idp/nats instrumentation seam so no call site has to count.
import { installNatsInstrumentation, type NatsInstrumentation } from '@idp/nats';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

// The metric classes services build their own numbers from, so no service needs prom-client directly.
export { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServiceRegistryOptions {
  /** e.g. `edge`; becomes the `service` label of every series. */
  service: string;
  /** IDP_INSTANCE_ID; tells the replicas of one service apart. */
  instance: string;
}

/**
 * A registry whose every series carries `service` and `instance`, with Node's process metrics
 * (CPU, memory, GC, and `nodejs_eventloop_lag_*` from `monitorEventLoopDelay`): names are shared by
 * all services, so one dashboard query covers them all, split by the `service` label.
 */
export function createServiceRegistry(options: ServiceRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service, instance: options.instance });
  // 10 ms resolution: fine enough to see a blocked loop, cheap enough to leave on.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  return registry;
}

/** Latency buckets for a NATS round trip: sub-millisecond on a quiet box up to the 5 s request timeout. */
const NATS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** More distinct subject labels than any deployment has routes means someone is sending junk. */
const MAX_LABEL_VALUES = 200;
export const OVERFLOW_LABEL = 'other';

/**
 * The label of a subject: its first four tokens (`idp.rpc.<service>.<route>`). Subjects may carry
 * tenant or object ids further in, and a label per id would grow without bound, so never more.
 */
export function subjectLabel(subject: string): string {
  let end = -1;
  for (let tokens = 0; tokens < 4; tokens++) {
    end = subject.indexOf('.', end + 1);
    if (end < 0) return subject;
  }
  return subject.slice(0, end);
}

/** Remembers up to `limit` distinct values; past that, new ones are folded into `other`. */
function boundedLabels(limit = MAX_LABEL_VALUES) {
  const seen = new Set<string>();
  return (value: string): string => {
    if (seen.has(value)) return value;
    if (seen.size >= limit) return OVERFLOW_LABEL;
    seen.add(value);
    return value;
  };
}

/** Why a sent request got no reply at all (an error *reply* is a reply), from the NATS client's error. */
function sendFailure(error: unknown): string {
  const names = [error, (error as { cause?: unknown })?.cause].map(
    (e) => `${(e as Error | undefined)?.name ?? ''}: ${(e as Error | undefined)?.message ?? ''}`,
  );
  if (names.some((n) => n.startsWith('NoRespondersError') || /no responders/i.test(n)))
    return 'no_responders';
  if (names.some((n) => n.startsWith('TimeoutError'))) return 'timeout';
  return 'error';
}

/** `ok` or `error` from a serveJson reply (`{ok:false, error:{code}}` for a handled error). */
function replyOutcome(reply: unknown): { outcome: 'ok' | 'error'; code: string } {
  if (reply && typeof reply === 'object' && (reply as { ok?: unknown }).ok === false) {
    const code = (reply as { error?: { code?: unknown } }).error?.code;
    // Codes are the contract's fixed UPPER_SNAKE set; anything else is not trusted as a label.
    return {
      outcome: 'error',
      code: typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'UNKNOWN',
    };
  }
  return { outcome: 'ok', code: '' };
}

/**
 * Counts and times every NATS request this process sends (`idp_nats_requests_sent_total`,
 * `idp_nats_request_duration_seconds`, by `subject` = its first four tokens) and answers
 * (`idp_nats_requests_handled_total` by `pattern` and `outcome`/`code`, and
 * `idp_nats_handler_duration_seconds`). The handled `pattern` is the subscription's subject, or for a
 * wildcard subscription the first four tokens of the subject asked.
 */
export function createNatsMetrics(registry: Registry): NatsInstrumentation {
  const sent = new Counter({
    name: 'idp_nats_requests_sent_total',
    help: 'NATS requests sent, by subject (first four tokens) and outcome (ok, timeout, no_responders, error)',
    labelNames: ['subject', 'outcome'] as const,
    registers: [registry],
  });
  const sentDuration = new Histogram({
    name: 'idp_nats_request_duration_seconds',
    help: 'Time from sending a NATS request to its reply (or failure), by subject (first four tokens)',
    labelNames: ['subject'] as const,
    buckets: NATS_BUCKETS,
    registers: [registry],
  });
  const handled = new Counter({
    name: 'idp_nats_requests_handled_total',
    help: 'NATS requests answered, by pattern, outcome (ok or error, from the reply) and error code',
    labelNames: ['pattern', 'outcome', 'code'] as const,
    registers: [registry],
  });
  const handledDuration = new Histogram({
    name: 'idp_nats_handler_duration_seconds',
    help: 'Time to handle and answer a NATS request, by pattern',
    labelNames: ['pattern'] as const,
    buckets: NATS_BUCKETS,
    registers: [registry],
  });
  const sentLabel = boundedLabels();
  const handledLabel = boundedLabels();

  return {
    async aroundRequest(request, send) {
      const subject = sentLabel(subjectLabel(request.subject));
      const started = performance.now();
      let outcome = 'ok';
      try {
        return await send();
      } catch (error) {
        outcome = sendFailure(error);
        throw error;
      } finally {
        sentDuration.observe({ subject }, (performance.now() - started) / 1000);
        sent.inc({ subject, outcome });
      }
    },
    async aroundHandler(request, run) {
      const wildcard = request.pattern.includes('*') || request.pattern.includes('>');
      const pattern = handledLabel(wildcard ? subjectLabel(request.subject) : request.pattern);
      const started = performance.now();
      try {
        const reply = await run();
        handled.inc({ pattern, ...replyOutcome(reply) });
        return reply;
      } catch (error) {
        // The reply could not be sent at all.
        handled.inc({ pattern, outcome: 'error', code: 'NOT_SENT' });
        throw error;
      } finally {
        handledDuration.observe({ pattern }, (performance.now() - started) / 1000);
      }
    },
  };
}

/** Installs `createNatsMetrics(registry)` for this process; returns the function that removes it. */
export function installNatsMetrics(registry: Registry): () => void {
  return installNatsInstrumentation(createNatsMetrics(registry));
}

/**
 * What a service's main.ts serves on its probe port: the service registry with this process's NATS
 * request metrics installed in it. Once per process (the instrumentation is process-wide).
 */
export function startServiceMetrics(options: ServiceRegistryOptions): Registry {
  const registry = createServiceRegistry(options);
  installNatsMetrics(registry);
  return registry;
}
